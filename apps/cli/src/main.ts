import yargs, { type Argv } from 'yargs';
import { AcsegError, isAcsegError } from '@acseg/core/errors';
import { EXIT, exitCodeFor, formatError } from './exit.js';
import { registerCommands } from './commands/index.js';
import { setInvocation } from './invocation.js';
import { helpWidth } from './help-cache.js';

export function buildParser(argv: string[]): Argv {
  return (
    yargs(argv)
      .scriptName('acseg')
      .usage('$0 <command> [options]\n\nUnsupervised semantic segmentation with ACSeg (CVPR 2023): DINO features → adaptive concepts → named regions.')
      .option('plugin', { type: 'string', array: true, describe: 'load a plugin: an npm package name or a path (repeatable)' })
      .option('config', { type: 'string', describe: 'config file (default: ./acseg.config.mjs or ./acseg.config.json)' })
      .option('set', {
        type: 'string',
        array: true,
        describe: "component option: key=value (all components) or id.key=value; `acseg plugins show <plugin>` lists each component's options",
      })
      .option('cache-dir', { type: 'string', describe: 'models and caches (default: $ACSEG_CACHE_DIR or $XDG_CACHE_HOME/acseg)' })
      .option('verbose', { type: 'boolean', default: false, describe: 'debug logs and stack traces' })
      .option('quiet', { type: 'boolean', default: false, describe: 'no progress bars' })
      // core's DEVICE_CHOICES, written out: --help loads no more than @acseg/core/errors.
      .option('device', {
        choices: ['auto', 'cpu', 'cuda'],
        default: 'auto',
        describe: 'where models run: auto (CUDA where onnxruntime-node loads it, else CPU), cpu, or cuda (an error where it does not load)',
      })
      .strict()
      .demandCommand(1, 'give a command (see --help)')
      .recommendCommands()
      .help()
      .alias('h', 'help')
      .version()
      .wrap(helpWidth(process.stdout.columns))
      .exitProcess(false)
      .fail((msg, err) => {
        // yargs passes no message for an error thrown by a command's handler: that one is the command's own.
        if (err && (msg === null || msg === undefined || isAcsegError(err))) throw err;
        // Everything else is a usage error (unknown flag, a .check() that failed): exit 2, no stack-trace note.
        throw new AcsegError('BAD_CONFIG', msg ?? err?.message ?? 'bad arguments', { hint: 'see acseg --help', cause: err });
      })
  );
}

/** The part of yargs' internals `skipHelpCache` touches (yargs 17; absent elsewhere, when it does nothing). */
type WithUsage = { getInternalMethods?: () => { getUsageInstance?: () => { cacheHelpMessage?: () => void } } };

/**
 * yargs lays out a command's whole help right after starting its handler, to print it should the handler fail; our
 * `.fail` never prints help, and the layout held the main thread ~50 ms at the start of every command.
 */
export function skipHelpCache(parser: Argv): void {
  const usage = (parser as unknown as WithUsage).getInternalMethods?.().getUsageInstance?.();
  if (usage && typeof usage.cacheHelpMessage === 'function') usage.cacheHelpMessage = () => undefined;
}

/** Runs the CLI; returns the exit status instead of exiting, so tests can call it. */
export async function main(argv: string[]): Promise<number> {
  const verbose = argv.includes('--verbose');
  let status: number = EXIT.ok;
  setInvocation(argv);
  try {
    const parser = await registerCommands(
      buildParser(argv),
      (code) => {
        status = code;
      },
      argv,
    );
    skipHelpCache(parser);
    await parser.parseAsync();
  } catch (e) {
    process.stderr.write(`${formatError(e, verbose)}\n`);
    return exitCodeFor(e);
  }
  return status;
}
