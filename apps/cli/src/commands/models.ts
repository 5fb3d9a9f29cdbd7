import type { Argv } from 'yargs';
import { AcsegError } from '@acseg/core';
import { convertCheckpoint, listModels, pullModel } from '@acseg/backbone-dino';
import { Session, type GlobalArgs } from '../session.js';
import { commandSpec, type SetStatus } from './index.js';

export function modelsCommand(y: Argv, _setStatus: SetStatus): Argv {
  return y.command(commandSpec('models').usage, commandSpec('models').describe, (a) =>
    a.positional('action', { choices: ['list', 'pull', 'convert'] as const })
      .positional('name', { type: 'string', describe: 'model name for pull (e.g. dino-vits16, dino-vitb8, clip-vit-base-patch16)' })
      .option('revision', { type: 'string', default: 'main', describe: 'Hub revision for pull' })
      .option('weights', { type: 'string', describe: 'convert: a DINO ViT safetensors file (Hub naming as facebook/dino-vits16)' })
      .option('model-config', { type: 'string', describe: 'convert: its config.json (optional)' })
      .option('out', { type: 'string', describe: 'convert: the .onnx file to write' })
      .option('input-size', { type: 'number', default: 224, describe: 'convert: input side, a multiple of the patch size' })
      .option('offline', { type: 'boolean', default: false, describe: 'pull: use files placed by hand, no network' })
      .option('force', { type: 'boolean', default: false, describe: 'pull: download again even if cached' })
      .option('json', { type: 'boolean', default: false }),
  async (argv) => {
    const session = await Session.open(argv as GlobalArgs);
    const cacheDir = session.cacheDir;
    if (argv.action === 'list') {
      const models = await listModels(cacheDir);
      if (argv.json) { process.stdout.write(`${JSON.stringify(models, null, 2)}\n`); return; }
      if (!models.length) {
        process.stdout.write(`no models cached in ${cacheDir}\n  get one: acseg models pull dino-vits16\n`);
        return;
      }
      for (const m of models) {
        const state = m.usable
          ? (m.missing.length ? `usable (missing ${m.missing.join(', ')}, not needed to run)` : 'usable')
          : m.complete ? 'complete, no ONNX' : `incomplete (missing ${m.missing.join(', ')})`;
        process.stdout.write(`${`${m.name}@${m.revision}`.padEnd(32)} ${m.layout.padEnd(12)} ${(m.size / 2 ** 20).toFixed(1).padStart(8)} MiB  ${state}  ${m.onnx ?? m.dir}\n`);
      }
      return;
    }
    if (argv.action === 'pull') {
      if (!argv.name) throw new AcsegError('BAD_CONFIG', 'acseg models pull needs a model name', { hint: 'acseg models pull dino-vits16' });
      const r = await pullModel(argv.name, { cacheDir, revision: argv.revision, offline: argv.offline, force: argv.force, inputSize: argv.inputSize, progress: session.progress, log: session.log });
      process.stdout.write(`${argv.name}: ${r.files.length} files in ${r.dir}\n`);
      return;
    }
    if (!argv.weights || !argv.out) throw new AcsegError('BAD_CONFIG', 'acseg models convert needs --weights FILE.safetensors and --out FILE.onnx');
    const r = await convertCheckpoint({ weights: argv.weights, config: argv.modelConfig, out: argv.out, inputSize: argv.inputSize });
    process.stdout.write(`wrote ${r.out}: ViT d=${r.info.dim}, depth ${r.info.depth}, ${r.info.heads} heads, patch ${r.info.patchSize}, input ${r.info.inputSize}\n`);
  });
}
