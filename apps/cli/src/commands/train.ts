import type { Argv } from 'yargs';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Parser } from 'yargs/helpers';
import { AcsegError, type FeatureSource, type OptionsSchema } from '@acseg/core';
import { FeatureCache } from '@acseg/feature-cache';
import { chooseBackbone, interruptSignal } from '../components.js';
import { cacheFeatures, type FeatureStage } from '../feature-stage.js';
import { commandLine } from '../invocation.js';
import { listImages } from '../images.js';
import { Session, type GlobalArgs } from '../session.js';
import { commandSpec, type SetStatus } from './index.js';
import { requireOptions } from './required.js';
import { addSchemaFlags, schemaFlagValues } from '../schema-flags.js';
import { backboneOptions } from '../option-groups.js';

/** Flags of `train` itself; the generator's own options (its schema) become the rest. */
const OWNED = new Set(['generator', 'features', 'images', 'recursive', 'backbone', 'model', 'out', 'resume', 'force', 'checkpoint']);

/** The generator `train` will train, read from the raw arguments before parsing (its schema gives the flags). */
async function generatorSpec(raw: readonly string[]): Promise<OptionsSchema | undefined> {
  const pre = Parser(raw as string[], { array: ['plugin', 'set'], string: ['config', 'generator', 'cache-dir'] }) as GlobalArgs & { generator?: string };
  const session = await Session.open(pre);
  const name = session.componentName('generator', pre.generator);
  return session.registry.has('generator', name) ? session.spec('generator', name).options : undefined;
}

export async function trainCommand(y: Argv, _setStatus: SetStatus, raw: readonly string[]): Promise<Argv> {
  const schema = await generatorSpec(raw);
  return y.command(
    commandSpec('train').usage,
    commandSpec('train').describe,
    (a) =>
      addSchemaFlags(
        backboneOptions(
          a
            .option('generator', { type: 'string', describe: "generator to train (default: the config's, else the plugins' default)" })
            .option('features', { type: 'string', describe: 'feature cache made by `acseg features` (preferred: computed once)' })
            .option('images', { type: 'string', describe: 'folder of images (features computed in memory first)' })
            .option('recursive', { type: 'boolean', describe: 'also the images in the subfolders of --images, at any depth (not hidden ones)' }),
          { backbone: 'backbone for --images', model: 'backbone model for --images: a name (dino-vits16, ...) or an .onnx path' },
        )
          .option('out', { type: 'string', describe: 'checkpoint folder (required)' })
          .option('resume', { type: 'string', describe: 'checkpoint folder to continue from (no value: the --out folder)' })
          .option('force', { type: 'boolean', describe: 'start over when --out holds a checkpoint, replacing it' }),
        schema,
        OWNED,
        'Generator options:',
      ).check((argv) => {
        if (!argv.features === !argv.images) throw new Error('give exactly one of --features and --images');
        if (argv.features && (argv.model || argv.backbone)) throw new Error('--backbone and --model go with --images; a feature cache already names its model');
        return true;
      }),
    async (argv) => {
      const session = await Session.open(argv as GlobalArgs);
      const generatorName = session.componentName('generator', argv.generator);
      session.checkNames({ generator: generatorName, backbone: argv.backbone });
      requireOptions('train', argv, ['out']);
      const out = argv.out!;
      // `--resume` alone continues the --out folder.
      const resume = argv.resume === '' ? out : argv.resume;
      const generator = await session.create(
        'generator',
        generatorName,
        schemaFlagValues(argv as Record<string, unknown>, session.spec('generator', generatorName).options, OWNED),
      );
      if (!generator.fit)
        throw new AcsegError('BAD_INPUT', `generator ${generator.name} has nothing to train`, { hint: 'clustering baselines work without training' });
      // Before any feature extraction: --out must be a folder holding nothing but a checkpoint we may write.
      // (Imported here: it reads the ACG's checkpoint layout, whose package loads TF.js.)
      const { checkTrainOut, describeProgress } = await import('./train-out.js');
      const folder = await checkTrainOut(out, resume, !!argv.force);
      let source: FeatureSource;
      let featureStage: FeatureStage | undefined;
      if (argv.features) {
        source = await FeatureCache.open(argv.features);
      } else {
        // Features stream through a temporary cache (not --out, which holds only the checkpoint).
        const backbone = await chooseBackbone(session, argv.backbone, { model: argv.model, inputSize: argv.imageSize });
        const stage = await cacheFeatures(session, backbone, listImages(argv.images!, { note: (m) => session.log.info(m), recursive: argv.recursive }), {
          temp: await mkdtemp(join(tmpdir(), 'acseg-train-features-')),
          roomHint: `the features go to a temporary folder in ${tmpdir()}: set TMPDIR to a folder on a disk with more room, or write them with \`acseg features --images DIR --out CACHE\` there and train with --features CACHE`,
        });
        await backbone.dispose?.();
        featureStage = stage;
        if (!stage?.cache.length) {
          await stage?.close();
          throw new AcsegError('BAD_INPUT', `no image in ${argv.images} could be read`);
        }
        source = stage.cache;
      }
      const interrupt = interruptSignal(session);
      try {
        if (folder.replace) {
          session.log.info(`--force: replacing the checkpoint in ${out} (${await describeProgress(out)})`);
          await folder.replace();
        }
        const report = await generator.fit(source, {
          progress: session.progress,
          log: session.log,
          signal: interrupt.signal,
          checkpointDir: out,
          resume,
        });
        // A generator that wrote its own checkpoint to --out (the ACG does, with the optimizer state) is not saved twice.
        if (report.checkpoint !== out) await generator.save?.(out);
        if (interrupt.signal.aborted) {
          throw new AcsegError('INTERRUPTED', `${out}: training interrupted after ${report.iterations} iterations; the checkpoint there keeps them`, {
            file: out,
            hint: `continue with: ${commandLine({ valued: ['resume'], flags: ['force', 'no-force'] }, ['--resume', out])}`,
          });
        }
        process.stdout.write(
          `trained ${generator.name}: ${report.iterations} iterations${report.finalLoss !== undefined ? `, final loss ${report.finalLoss.toFixed(4)}` : ''}; checkpoint in ${out}\n`,
        );
      } finally {
        interrupt.dispose();
        await generator.dispose?.();
        if (featureStage) await featureStage.close();
        else if (source instanceof FeatureCache) await source.close();
      }
    },
  );
}
