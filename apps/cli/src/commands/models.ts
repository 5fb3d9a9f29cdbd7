import type { Argv } from 'yargs';
import { AcsegError } from '@acseg/core';
import { findIn, type CacheModelHub } from '@acseg/model-hub';
import { Session, type GlobalArgs } from '../session.js';
import { commandSpec, type SetStatus } from './index.js';

export function modelsCommand(y: Argv, _setStatus: SetStatus): Argv {
  return y.command(
    commandSpec('models').usage,
    commandSpec('models').describe,
    (a) =>
      a
        .positional('action', { choices: ['list', 'pull', 'convert'] as const })
        .positional('name', {
          type: 'string',
          describe: 'model name for pull (e.g. dino-vits16, dino-vitb8, dinov2-vits14, dinov2-reg-vitb14, dinov3-vits16, clip-vit-base-patch16)',
        })
        .option('revision', { type: 'string', default: 'main', describe: 'Hub revision for pull' })
        .option('weights', {
          type: 'string',
          describe:
            'convert: a DINO, DINOv2 or DINOv3 ViT safetensors file (Hub naming as facebook/dino-vits16, facebook/dinov2-small, facebook/dinov3-vits16-pretrain-lvd1689m)',
        })
        .option('model-config', { type: 'string', describe: 'convert: its config.json (optional)' })
        .option('out', { type: 'string', describe: 'convert: the .onnx file to write' })
        .option('input-size', { type: 'string', default: '224', describe: 'pull/convert: input side S (S×S), or HxW for convert; multiples of the patch size' })
        .option('offline', { type: 'boolean', default: false, describe: 'pull: use files placed by hand, no network' })
        .option('force', { type: 'boolean', default: false, describe: 'pull: download again even if cached' })
        .option('json', { type: 'boolean', default: false }),
    async (argv) => {
      const session = await Session.open(argv as GlobalArgs);
      const cacheDir = session.cacheDir;
      // The hub knows the models every loaded plugin declares; listing and pulling load no ML runtime.
      const hub = session.models;
      if (argv.action === 'list') {
        const models = await hub.list();
        if (argv.json) {
          process.stdout.write(`${JSON.stringify(models, null, 2)}\n`);
          return;
        }
        if (!models.length) process.stdout.write(`no models cached in ${cacheDir}\n`);
        for (const m of models) {
          const state = m.usable
            ? m.missing.length
              ? `usable (missing ${m.missing.join(', ')}, not needed to run)`
              : 'usable'
            : m.complete
              ? 'complete, no ONNX'
              : `incomplete (missing ${m.missing.join(', ')})`;
          process.stdout.write(
            `${`${m.name}@${m.revision}`.padEnd(32)} ${m.layout.padEnd(12)} ${(m.size / 2 ** 20).toFixed(1).padStart(8)} MiB  ${state}  ${m.onnx ?? m.dir}\n`,
          );
        }
        writeDeclared(hub, new Set(models.map((m) => m.name)));
        return;
      }
      if (argv.action === 'pull') {
        if (!argv.name) throw new AcsegError('BAD_CONFIG', 'acseg models pull needs a model name', { hint: 'acseg models pull dino-vits16' });
        // A pull converts (safetensors layouts) for a square side only.
        if (!/^\s*[1-9]\d*\s*$/.test(argv.inputSize))
          throw new AcsegError('BAD_CONFIG', `${argv.name}: pull converts for a square input; got --input-size ${argv.inputSize}`, {
            hint: 'pull with a side (e.g. 224), then `acseg models convert --input-size HxW` for other shapes',
          });
        const r = await hub.pull(argv.name, {
          revision: argv.revision,
          offline: argv.offline,
          force: argv.force,
          inputSize: Number(argv.inputSize),
          progress: session.progress,
          log: session.log,
        });
        process.stdout.write(`${argv.name}: ${r.files.length} files in ${r.dir}\n`);
        return;
      }
      if (!argv.weights || !argv.out) throw new AcsegError('BAD_CONFIG', 'acseg models convert needs --weights FILE.safetensors and --out FILE.onnx');
      const { convertCheckpoint, parseInputSize } = await import('@acseg/backbone-dino');
      const r = await convertCheckpoint({ weights: argv.weights, config: argv.modelConfig, out: argv.out, inputSize: parseInputSize(argv.inputSize) });
      const i = r.info;
      const input = i.inputHeight === i.inputWidth ? `${i.inputSize}` : `${i.inputHeight}x${i.inputWidth}`;
      process.stdout.write(
        `wrote ${r.out}: ViT d=${i.dim}, depth ${i.depth}, ${i.heads} heads, patch ${i.patchSize}, input ${input} (${i.family}, ${i.registers} registers)\n`,
      );
    },
  );
}

/** The declared models not in the cache, with the plugin that declares each: what `acseg models pull` can fetch. */
function writeDeclared(hub: CacheModelHub, cached: ReadonlySet<string>): void {
  const rows = hub.names().filter((n) => !cached.has(n));
  if (!rows.length) return;
  process.stdout.write(`${cached.size ? 'also declared' : 'declared'} by the loaded plugins (get one: acseg models pull ${rows[0]}):\n`);
  for (const name of rows) {
    const m = findIn(hub.models, name)!;
    process.stdout.write(`  ${name.padEnd(40)} ${(m.plugin ?? '').padEnd(24)} ${m.description}\n`);
  }
}
