import type { Argv } from 'yargs';
import { Session, type GlobalArgs } from '../session.js';
import type { SetStatus } from './index.js';
import { notBuiltYet } from './pending.js';

export function componentOptions<T>(a: Argv<T>) {
  return a
    .option('backbone', { type: 'string', describe: 'backbone name (default: dino when a DINO model is available, else handcrafted)' })
    .option('generator', { type: 'string', default: 'acg', describe: 'concept generator name (acg, kmeans, spectral, ap, agglomerative, ...)' });
}

export function runCommand(y: Argv, _setStatus: SetStatus): Argv {
  return y.command('run', 'segment a folder of images and name the regions (the whole pipeline)', (a) =>
    componentOptions(a)
      .option('classifier', { type: 'string', default: 'kmeans', describe: 'concept classifier name (kmeans, knn, clip, background, ...)' })
      .option('images', { type: 'string', demandOption: true, describe: 'folder of images (JPEG, PNG, WebP)' })
      .option('out', { type: 'string', demandOption: true, describe: 'output folder' }),
  async (argv) => {
    const session = await Session.open(argv as GlobalArgs);
    session.checkNames({ backbone: argv.backbone, generator: argv.generator, classifier: argv.classifier });
    notBuiltYet('acseg run', 5);
  });
}

export function segmentCommand(y: Argv, _setStatus: SetStatus): Argv {
  return y.command('segment', 'segment a folder of images into adaptive regions (no class names)', (a) =>
    componentOptions(a)
      .option('images', { type: 'string', demandOption: true, describe: 'folder of images' })
      .option('out', { type: 'string', demandOption: true, describe: 'output folder' }),
  async (argv) => {
    const session = await Session.open(argv as GlobalArgs);
    session.checkNames({ backbone: argv.backbone, generator: argv.generator });
    notBuiltYet('acseg segment', 4);
  });
}
