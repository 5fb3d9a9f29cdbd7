import type { Argv } from 'yargs';
import type { SetStatus } from './index.js';
import { notBuiltYet } from './pending.js';

export function modelsCommand(y: Argv, _setStatus: SetStatus): Argv {
  return y.command('models <action> [name]', 'list, download (pull) or convert model files', (a) =>
    a.positional('action', { choices: ['list', 'pull', 'convert'] as const })
      .positional('name', { type: 'string', describe: 'model name (pull)' }),
  async () => {
    notBuiltYet('acseg models', 3);
  });
}
