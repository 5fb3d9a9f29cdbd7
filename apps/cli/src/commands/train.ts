import type { Argv } from 'yargs';
import { Session, type GlobalArgs } from '../session.js';
import type { SetStatus } from './index.js';
import { notBuiltYet } from './pending.js';

export function trainCommand(y: Argv, _setStatus: SetStatus): Argv {
  return y.command('train', 'train a concept generator (the ACG) on a feature cache or a folder of images', (a) =>
    a.option('generator', { type: 'string', default: 'acg', describe: 'generator to train' })
      .option('backbone', { type: 'string', describe: 'backbone for --images' })
      .option('features', { type: 'string', describe: 'feature cache made by `acseg features`' })
      .option('images', { type: 'string', describe: 'folder of images (features are computed first)' })
      .option('out', { type: 'string', demandOption: true, describe: 'checkpoint folder' })
      .option('resume', { type: 'string', describe: 'checkpoint to continue from' }),
  async (argv) => {
    const session = await Session.open(argv as GlobalArgs);
    session.checkNames({ generator: argv.generator, backbone: argv.backbone });
    notBuiltYet('acseg train', 4);
  });
}
