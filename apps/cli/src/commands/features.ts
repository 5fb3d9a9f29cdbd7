import { resolve } from 'node:path';
import type { Argv } from 'yargs';
import { writeFeatureCache } from '@acseg/feature-cache';
import { checkOutDir } from '../check-out.js';
import { outputFolderFault } from '../output-fault.js';
import { chooseBackbone, interruptSignal } from '../components.js';
import { EXIT } from '../exit.js';
import { listImages } from '../images.js';
import { Session, type GlobalArgs } from '../session.js';
import { commandSpec, type SetStatus } from './index.js';
import { requireOptions } from './required.js';
import { featuresImportCommand } from './features-import.js';
import { listRoot, planShard, shardOptions } from '../shard-job.js';
import { backboneOptions, datasetOptions } from '../option-groups.js';
import { cacheWriterOptions, cacheWriterSettings } from '../cache-writer.js';
import { printSummary } from '../summary.js';
import { openDataset } from '@acseg/eval';

export function featuresCommand(y: Argv, setStatus: SetStatus): Argv {
  return y.command(
    commandSpec('features').usage,
    commandSpec('features').describe,
    (a) => {
      const backbone = backboneOptions(shardOptions(a.command(featuresImportCommand(setStatus))), {
        backbone: 'backbone name (default: dino when a DINO model is available, else handcrafted)',
        model: 'backbone model (name or .onnx path)',
      })
        .option('images', { type: 'string', describe: 'folder of images (or use --dataset/--root/--split)' })
        .option('recursive', { type: 'boolean', describe: 'also the images in the subfolders of --images, at any depth (not hidden ones)' });
      const dataset = datasetOptions(
        backbone,
        { dataset: 'a dataset split instead of a folder', root: 'dataset root (with --dataset)', split: 'dataset split (with --dataset)' },
        'train',
      ).option('out', { type: 'string', describe: 'feature cache folder (required)' });
      return cacheWriterOptions(dataset, 'write finished images at least this often (a killed run loses at most this much work)').option('batch-size', {
        type: 'number',
        describe: 'images per backbone call',
      });
    },
    async (argv) => {
      const session = await Session.open(argv as GlobalArgs);
      session.checkNames({ backbone: argv.backbone });
      requireOptions('features', argv, argv.dataset ? ['root', 'out'] : ['images', 'out']);
      checkOutDir(argv.out!);
      const all = argv.dataset
        ? (await openDataset(argv.dataset, argv.root!, { split: argv.split })).items.map((item) => item.image)
        : listImages(argv.images!, { note: (m) => session.log.info(m), recursive: argv.recursive });
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
          roomHint: 'free some space, or give --out a folder on a disk with more room',
          ...cacheWriterSettings(argv, session, interrupt.signal),
        }).catch((e: unknown) => {
          // A full disk or a read-only folder: one message naming the folder (the shards saved before are kept).
          throw outputFolderFault(job.out, e) ?? e;
        });
        printSummary(
          `feature cache ${job.shard ? job.out : argv.out}: ${r.total} images (${r.written} computed now, ${r.resumed} already there, ${r.skipped.length} skipped)${job.shard ? `; ${job.describe()}` : ''}`,
          r.skipped,
        );
        if (interrupt.signal.aborted) setStatus(EXIT.interrupted);
        else if (r.skipped.length) setStatus(EXIT.failure);
      } finally {
        interrupt.dispose();
        await backbone.dispose?.();
      }
    },
  );
}
