import { resolve } from 'node:path';
import type { Argv } from 'yargs';
import { describeSkip } from '@acseg/core';
import { writeFeatureCache } from '@acseg/feature-cache';
import { checkOutDir } from '../check-out.js';
import { chooseBackbone, interruptSignal } from '../components.js';
import { EXIT } from '../exit.js';
import { listImages } from '../images.js';
import { Session, type GlobalArgs } from '../session.js';
import { commandSpec, type SetStatus } from './index.js';
import { requireOptions } from './required.js';
import { featuresImportCommand } from './features-import.js';
import { listRoot, planShard, shardOptions } from '../shard-job.js';
import { openDataset } from '@acseg/eval';

export function featuresCommand(y: Argv, setStatus: SetStatus): Argv {
  return y.command(
    commandSpec('features').usage,
    commandSpec('features').describe,
    (a) =>
      shardOptions(a.command(featuresImportCommand(setStatus)))
        .option('backbone', { type: 'string', describe: 'backbone name (default: dino when a DINO model is available, else handcrafted)' })
        .option('model', { type: 'string', describe: 'backbone model (name or .onnx path)' })
        .option('image-size', { type: 'string', describe: 'ViT backbone input: a side S (S×S, default 224, paper §4.1) or HxW, multiples of the patch size' })
        .option('images', { type: 'string', describe: 'folder of images (or use --dataset/--root/--split)' })
        .option('dataset', { type: 'string', choices: ['voc', 'cocostuff27', 'camvid'], describe: 'a dataset split instead of a folder' })
        .option('root', { type: 'string', describe: 'dataset root (with --dataset)' })
        .option('split', { type: 'string', default: 'train', describe: 'dataset split (with --dataset)' })
        .option('out', { type: 'string', describe: 'feature cache folder (required)' })
        .option('shard-size', { type: 'number', default: 256, describe: 'images per shard file' })
        .option('flush-seconds', {
          type: 'number',
          default: 30,
          describe: 'write finished images at least this often (a killed run loses at most this much work)',
        })
        .option('batch-size', { type: 'number', describe: 'images per backbone call' }),
    async (argv) => {
      const session = await Session.open(argv as GlobalArgs);
      session.checkNames({ backbone: argv.backbone });
      requireOptions('features', argv, argv.dataset ? ['root', 'out'] : ['images', 'out']);
      checkOutDir(argv.out!);
      const all = argv.dataset
        ? (await openDataset(argv.dataset, argv.root!, { split: argv.split })).items.map((item) => item.image)
        : listImages(argv.images!);
      const input = argv.dataset ? `--dataset ${argv.dataset} --split ${argv.split}` : `--images ${argv.images}`;
      const job = planShard(argv, all, argv.dataset ? resolve(argv.root!) : listRoot(argv.images!), argv.out!, input);
      const backbone = await chooseBackbone(session, argv.backbone, { model: argv.model, inputSize: argv.imageSize, batchSize: argv.batchSize });
      const interrupt = interruptSignal(session);
      try {
        await job.start('features', { backbone: backbone.name, shardSize: argv.shardSize });
        if (job.shard) session.log.info(job.describe());
        const r = await writeFeatureCache({
          backbone,
          images: job.images,
          out: job.out,
          shardSize: argv.shardSize,
          flushSeconds: argv.flushSeconds,
          progress: session.progress,
          log: session.log,
          signal: interrupt.signal,
        });
        const lines = [
          `feature cache ${job.shard ? job.out : argv.out}: ${r.total} images (${r.written} computed now, ${r.resumed} already there, ${r.skipped.length} skipped)${job.shard ? `; ${job.describe()}` : ''}`,
        ];
        for (const s of r.skipped) lines.push(`  skipped ${describeSkip(s.source, s.message)}`);
        process.stdout.write(`${lines.join('\n')}\n`);
        if (interrupt.signal.aborted) setStatus(EXIT.interrupted);
        else if (r.skipped.length) setStatus(EXIT.failure);
      } finally {
        interrupt.dispose();
        await backbone.dispose?.();
      }
    },
  );
}
