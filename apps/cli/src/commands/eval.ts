import type { Argv } from 'yargs';
import { Session, type GlobalArgs } from '../session.js';
import type { SetStatus } from './index.js';
import { notBuiltYet } from './pending.js';

export function evalCommand(y: Argv, _setStatus: SetStatus): Argv {
  return y.command('eval', 'evaluate on a labelled dataset with the paper\'s protocols', (a) =>
    a.option('dataset', { type: 'string', choices: ['voc', 'cocostuff27', 'camvid'], demandOption: true })
      .option('root', { type: 'string', demandOption: true, describe: 'dataset root folder' })
      .option('backbone', { type: 'string' })
      .option('generator', { type: 'string', default: 'acg' })
      .option('classifier', { type: 'string', default: 'kmeans' }),
  async (argv) => {
    const session = await Session.open(argv as GlobalArgs);
    session.checkNames({ backbone: argv.backbone, generator: argv.generator, classifier: argv.classifier });
    notBuiltYet('acseg eval', 5);
  });
}
