import * as v from 'valibot';
import { AcsegError } from './errors.js';

/**
 * Component options are declared with valibot (docs/plugins.md says why:
 * it loads in ~10 ms, so manifests stay cheap to read for `--help`). The
 * schema is an object of optional entries; the host reads it to validate
 * flat CLI records, to make flags and to print `acseg plugins show`.
 */
export { v };

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type OptionsSchema = v.ObjectSchema<v.ObjectEntries, any>;
export type OptionsOf<S extends OptionsSchema> = v.InferOutput<S>;

/** What the host reads of one option. */
export interface OptionInfo {
  key: string;
  type: 'integer' | 'number' | 'boolean' | 'string' | 'choice' | 'list' | 'unknown';
  description?: string;
  default?: unknown;
  choices?: readonly string[];
  /** The phrase after "must be" in an error. */
  expected: string;
}

type Any = v.GenericSchema;
type Action = { type: string; requirement?: unknown; description?: string; metadata?: Record<string, unknown> };

const OPTIONAL = new Set(['optional', 'exact_optional', 'nullish', 'undefinedable']);

/** The base schema of an entry and the actions piped onto it (and onto its optional wrapper). */
function unwrap(schema: Any): { base: Any; actions: Action[]; dflt: unknown } {
  const actions: Action[] = [];
  let dflt: unknown;
  let s = schema as Any & { pipe?: unknown[]; wrapped?: Any };
  for (;;) {
    if (Array.isArray(s.pipe)) {
      actions.push(...(s.pipe.slice(1) as Action[]));
      s = { ...s, pipe: undefined } as typeof s;
      continue;
    }
    if (OPTIONAL.has(s.type) && s.wrapped) {
      dflt ??= v.getDefault(s as v.OptionalSchema<Any, unknown>);
      s = s.wrapped as typeof s;
      continue;
    }
    return { base: s, actions, dflt };
  }
}

function numberPhrase(integer: boolean, actions: Action[]): string {
  const req = (t: string) => actions.find((a) => a.type === t)?.requirement as number | undefined;
  const min = req('min_value');
  const gt = req('gt_value');
  const max = req('max_value');
  const lt = req('lt_value');
  return `${integer ? 'an integer' : 'a number'}${min !== undefined ? ` ≥ ${min}` : ''}${gt !== undefined ? ` > ${gt}` : ''}${max !== undefined ? ` ≤ ${max}` : ''}${lt !== undefined ? ` < ${lt}` : ''}`;
}

export function describeOption(key: string, schema: Any): OptionInfo {
  const { base, actions, dflt } = unwrap(schema);
  const description = actions.find((a) => a.type === 'description')?.description;
  const meta = Object.assign({}, ...actions.filter((a) => a.type === 'metadata').map((a) => a.metadata)) as { expected?: string };
  const info = (type: OptionInfo['type'], expected: string, extra: Partial<OptionInfo> = {}): OptionInfo => ({
    key,
    type,
    description,
    default: dflt,
    expected: meta.expected ?? expected,
    ...extra,
  });
  switch (base.type) {
    case 'number': {
      const integer = actions.some((a) => a.type === 'integer');
      return info(integer ? 'integer' : 'number', numberPhrase(integer, actions));
    }
    case 'boolean':
      return info('boolean', 'true or false');
    case 'picklist': {
      const choices = (base as unknown as { options: string[] }).options;
      return info('choice', `one of ${choices.join(', ')}`, { choices });
    }
    case 'string':
      return info('string', 'a string');
    case 'array':
      return info('list', 'names separated by commas');
    default:
      return info('unknown', 'valid');
  }
}

export function describeOptions(schema: OptionsSchema | undefined): OptionInfo[] {
  if (!schema) return [];
  return Object.entries(schema.entries).map(([key, s]) => describeOption(key, s as Any));
}

const TRUE = new Set(['true', '1', 'yes']);
const FALSE = new Set(['false', '0', 'no']);

/** CLI values arrive as strings (`--set k=7` gives a number, `--set classes=a,b` a string): read them as the type wants. */
function coerce(type: OptionInfo['type'], x: unknown): unknown {
  if (type === 'integer' || type === 'number') return typeof x === 'string' ? Number(x.trim()) : x;
  if (type === 'boolean') {
    if (typeof x === 'string' && (TRUE.has(x.toLowerCase()) || FALSE.has(x.toLowerCase()))) return TRUE.has(x.toLowerCase());
    if (x === 1 || x === 0) return x === 1;
    return x;
  }
  if (type === 'list' && typeof x === 'string')
    return x
      .split(',')
      .map((s) => s.trim())
      .filter((s) => s.length > 0);
  return x;
}

export interface ParseOptionsSettings {
  /** Wording of a bad value; default `<label>: option <key> must be <expected>, got <value>`. */
  format?: (key: string, expected: string, got: string) => string;
  hint?: string;
  plugin?: string;
}

/**
 * Reads a flat options record (config file, `--set`, flags) through a schema:
 * empty values take the default, CLI strings are read as numbers/booleans,
 * keys the schema does not name are left out. A bad value is a BAD_CONFIG
 * error naming the component, the option and what it must be.
 */
export function parseOptions<S extends OptionsSchema>(
  schema: S,
  raw: Record<string, unknown> = {},
  label = 'component',
  settings: ParseOptionsSettings = {},
): OptionsOf<S> {
  const out: Record<string, unknown> = {};
  for (const [key, entry] of Object.entries(schema.entries)) {
    const info = describeOption(key, entry as Any);
    const x = raw[key];
    const given = x === undefined || x === null || x === '' ? undefined : x;
    const result = v.safeParse(entry as Any, given === undefined ? undefined : coerce(info.type, given));
    if (!result.success) {
      const got = JSON.stringify(x);
      const message = settings.format ? settings.format(key, info.expected, got) : `${label}: option ${key} must be ${info.expected}, got ${got}`;
      throw new AcsegError('BAD_CONFIG', message, { hint: settings.hint, plugin: settings.plugin });
    }
    if (result.output !== undefined) out[key] = result.output;
  }
  return out as OptionsOf<S>;
}

/** Builders for the option types CLI records carry; each takes a one-line description (shown by `acseg plugins show`). */
export const opt = {
  int<D extends number | undefined = undefined>(description: string, o: { min?: number; max?: number; default?: D; expected?: string } = {}) {
    const actions: Array<v.PipeItem<number, number, v.BaseIssue<unknown>>> = [v.integer()];
    if (o.min !== undefined) actions.push(v.minValue(o.min));
    if (o.max !== undefined) actions.push(v.maxValue(o.max));
    actions.push(v.description<number, string>(description), v.metadata<number, { expected?: string }>({ expected: o.expected }));
    return v.optional(v.pipe(v.number(), ...actions), o.default as D);
  },
  number<D extends number | undefined = undefined>(
    description: string,
    o: { min?: number; gt?: number; max?: number; lt?: number; default?: D; expected?: string } = {},
  ) {
    const actions: Array<v.PipeItem<number, number, v.BaseIssue<unknown>>> = [v.finite()];
    if (o.min !== undefined) actions.push(v.minValue(o.min));
    if (o.gt !== undefined) actions.push(v.gtValue(o.gt));
    if (o.max !== undefined) actions.push(v.maxValue(o.max));
    if (o.lt !== undefined) actions.push(v.ltValue(o.lt));
    actions.push(v.description<number, string>(description), v.metadata<number, { expected?: string }>({ expected: o.expected }));
    return v.optional(v.pipe(v.number(), ...actions), o.default as D);
  },
  bool<D extends boolean | undefined = undefined>(description: string, dflt?: D) {
    return v.optional(v.pipe(v.boolean(), v.description(description)), dflt as D);
  },
  choice<const T extends readonly [string, ...string[]], D extends T[number] | undefined = undefined>(
    values: T,
    description: string,
    dflt?: D,
    expected?: string,
  ) {
    return v.optional(v.pipe(v.picklist(values), v.description(description), v.metadata({ expected })), dflt as D);
  },
  string<D extends string | undefined = undefined>(description: string, dflt?: D, expected?: string) {
    return v.optional(v.pipe(v.string(), v.minLength(1), v.description(description), v.metadata({ expected })), dflt as D);
  },
  list(description: string) {
    return v.optional(v.pipe(v.array(v.string()), v.description(description)));
  },
};

/** One line per option: `key  type  (default x)  description`, for `acseg plugins show`. */
export function formatOptions(schema: OptionsSchema | undefined, indent = '    '): string[] {
  const infos = describeOptions(schema);
  if (!infos.length) return [`${indent}(no options)`];
  const w = Math.max(...infos.map((i) => i.key.length));
  const typeOf = (i: OptionInfo) => (i.choices ? i.choices.join('|') : i.type);
  const tw = Math.max(...infos.map((i) => typeOf(i).length));
  return infos.map((i) => {
    const dflt = i.default === undefined ? '' : `  (default ${JSON.stringify(i.default)})`;
    return `${indent}${i.key.padEnd(w)}  ${typeOf(i).padEnd(tw)}  ${i.description ?? ''}${dflt}`.trimEnd();
  });
}
