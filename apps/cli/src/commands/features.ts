import type { Argv } from 'yargs';
import { Session, type GlobalArgs } from '../session.js';
import type { SetStatus } from './index.js';
import { notBuiltYet } from './pending.js';

export function featuresCommand(y: Argv, _setStatus: SetStatus): Argv {
  return y.command('features', 'compute backbone features for a folder of images into a feature cache', (a) =>
    a.option('backbone', { type: 'string', describe: 'backbone name' })
      .option('images', { type: 'string', demandOption: true, describe: 'folder of images' })
      .option('out', { type: 'string', demandOption: true, describe: 'feature cache folder' }),
  async (argv) => {
    const session = await Session.open(argv as GlobalArgs);
    session.checkNames({ backbone: argv.backbone });
    notBuiltYet('acseg features', 3);
  });
}
