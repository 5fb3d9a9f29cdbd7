import type { Argv, Options } from 'yargs';
import { describeOptions, type ComponentOptions, type OptionInfo, type OptionsSchema } from '@acseg/core';

const kebab = (key: string) => key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);

function flagType(info: OptionInfo): Options['type'] {
  if (info.type === 'boolean') return 'boolean';
  if (info.type === 'integer' || info.type === 'number') return 'number';
  return 'string';
}

/** The flags a component's option schema gives a command (`batchSize` → `--batch-size`), except those the command owns. */
export function addSchemaFlags<T>(y: Argv<T>, schema: OptionsSchema | undefined, owned: ReadonlySet<string>, group?: string): Argv<T> {
  for (const info of describeOptions(schema)) {
    const flag = kebab(info.key);
    if (owned.has(flag) || owned.has(info.key)) continue;
    const dflt = info.default === undefined ? '' : ` (default ${JSON.stringify(info.default)})`;
    y = y.option(flag, {
      type: flagType(info),
      choices: info.choices as string[] | undefined,
      describe: `${info.description ?? ''}${dflt}`,
      group,
    }) as unknown as Argv<T>;
  }
  return y;
}

/** The values of those flags, by option key (undefined where not given: the config and `--set` then apply). */
export function schemaFlagValues(argv: Record<string, unknown>, schema: OptionsSchema | undefined, owned: ReadonlySet<string>): ComponentOptions {
  const out: ComponentOptions = {};
  for (const info of describeOptions(schema)) {
    if (owned.has(kebab(info.key)) || owned.has(info.key)) continue;
    if (argv[info.key] !== undefined) out[info.key] = argv[info.key];
  }
  return out;
}
