import type { Argv } from 'yargs';
import { AcsegError } from '@acseg/core/errors';

export type SetStatus = (code: number) => void;
/** Adds a command to the parser; `argv` is the raw argument list (a command may read its component's schema first). */
type Register = (y: Argv, setStatus: SetStatus, argv: readonly string[]) => Argv | Promise<Argv>;

/**
 * Every command by name, with what `acseg --help` lists, and how to load it.
 * A command's module (and the ML runtimes, image codecs and plugins it
 * pulls in) is imported only when that command runs, so `acseg --help`
 * and a mistyped command answer at once.
 */
export const COMMANDS: ReadonlyArray<{ name: string; usage: string; describe: string; load: () => Promise<Register> }> = [
  {
    name: 'run',
    usage: 'run',
    describe: 'segment a folder of images and name the regions (the whole pipeline)',
    load: async () => (await import('./run.js')).runCommand,
  },
  {
    name: 'segment',
    usage: 'segment',
    describe: 'segment a folder of images into adaptive regions (no class names)',
    load: async () => (await import('./run.js')).segmentCommand,
  },
  {
    name: 'train',
    usage: 'train',
    describe: 'train a concept generator (the ACG) on a feature cache or a folder of images',
    load: async () => (await import('./train.js')).trainCommand,
  },
  {
    name: 'features',
    usage: 'features',
    describe: 'compute backbone features for a folder of images into a feature cache (resumable); `features import` reads arrays made elsewhere',
    load: async () => (await import('./features.js')).featuresCommand,
  },
  {
    name: 'eval',
    usage: 'eval',
    describe: "evaluate on a labelled dataset with the paper's protocols (table, metrics JSON, HTML report)",
    load: async () => (await import('./eval.js')).evalCommand,
  },
  {
    name: 'explore',
    usage: 'explore <run>',
    describe: "an interactive page of a run's concepts (the paper's Figures 4-6): concept maps, grid, retrieval",
    load: async () => (await import('./explore.js')).exploreCommand,
  },
  {
    name: 'models',
    usage: 'models <action> [name]',
    describe: 'list cached models, download one (pull), or convert a safetensors checkpoint to ONNX',
    load: async () => (await import('./models.js')).modelsCommand,
  },
  {
    name: 'plugins',
    usage: 'plugins <action> [name]',
    describe: "list registered plugins and components, or show one plugin's components and their options",
    load: async () => (await import('./plugins.js')).pluginsCommand,
  },
  {
    name: 'merge',
    usage: 'merge <parts..>',
    describe: 'join the outputs of a sharded job (--shard, Slurm arrays, Kubernetes Indexed Jobs) into one',
    load: async () => (await import('./merge.js')).mergeCommand,
  },
];

/** The catalog entry a command module registers itself with (one source for its usage line and description). */
export function commandSpec(name: string): { usage: string; describe: string } {
  const c = COMMANDS.find((x) => x.name === name);
  if (!c) throw new Error(`no command ${name} in the catalog`);
  return c;
}

/** Global flags that take a value: the word after them is not the command. */
const VALUED = new Set(['--plugin', '--config', '--set', '--cache-dir']);

/** The command word of an argument list: the first word that is neither a flag nor a global flag's value. */
export function commandWord(argv: readonly string[]): string | undefined {
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--') return undefined;
    if (a.startsWith('-')) {
      if (VALUED.has(a)) i++;
      continue;
    }
    return a;
  }
  return undefined;
}

/**
 * Registers the command named in `argv` in full (its options, its handler)
 * and every other one by its usage line only, for `--help` and the
 * did-you-mean of a mistyped name.
 */
export async function registerCommands(y: Argv, setStatus: SetStatus, argv: readonly string[]): Promise<Argv> {
  const word = commandWord(argv);
  for (const c of COMMANDS) {
    if (c.name === word) y = await (await c.load())(y, setStatus, argv);
    else {
      y = y.command(
        c.usage,
        c.describe,
        () => undefined,
        () => {
          // Only reached when the command word was not found where it was looked for.
          throw new AcsegError('BAD_CONFIG', `could not tell the command "${c.name}" apart from the options`, {
            hint: `put the command first: acseg ${c.name} [options]`,
          });
        },
      );
    }
  }
  return y;
}
