import type { Argv } from 'yargs';
import { pluginsCommand } from './plugins.js';
import { runCommand, segmentCommand } from './run.js';
import { trainCommand } from './train.js';
import { featuresCommand } from './features.js';
import { evalCommand } from './eval.js';
import { modelsCommand } from './models.js';
import { exploreCommand } from './explore.js';
import { mergeCommand } from './merge.js';

export type SetStatus = (code: number) => void;

export function registerCommands(y: Argv, setStatus: SetStatus): Argv {
  return [runCommand, segmentCommand, trainCommand, featuresCommand, evalCommand, exploreCommand, modelsCommand, pluginsCommand, mergeCommand]
    .reduce((acc, cmd) => cmd(acc, setStatus), y);
}
