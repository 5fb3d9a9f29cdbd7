import type { ComponentKind, ComponentOptions } from './plugin.js';

/**
 * What built a component, so another command can build the same one again: its registered name, the options it was
 * built with (after its schema's parse: defaults filled in; JSON), and the plugin that contributed it. A feature cache
 * records its backbone's (`acseg explore` rebuilds it to embed regions as the k-NN classifier does).
 */
export interface ComponentRecord {
  kind: ComponentKind;
  /** The id it is registered under (what `--backbone NAME` names). */
  name: string;
  options: ComponentOptions;
  plugin: string;
  pluginVersion?: string;
}

// Keyed by the object a factory returned: the record goes with it, nothing is added to the component itself.
const records = new WeakMap<object, ComponentRecord>();

/** The record of a component built by `createComponent`; undefined for one made otherwise (a test's, a wrapper). */
export function componentRecordOf(component: unknown): ComponentRecord | undefined {
  return typeof component === 'object' && component !== null ? records.get(component) : undefined;
}

/** The options as JSON values (undefined entries dropped), or undefined when they are not JSON (a function, a cycle). */
export function jsonOptions(options: ComponentOptions): ComponentOptions | undefined {
  try {
    const text = JSON.stringify(options, (_k, v: unknown) => {
      if (typeof v === 'function' || typeof v === 'symbol' || typeof v === 'bigint') throw new Error('not JSON');
      if (typeof v === 'number' && !Number.isFinite(v)) throw new Error('not JSON');
      return v;
    });
    return JSON.parse(text) as ComponentOptions;
  } catch {
    return undefined;
  }
}

/** Records what built `component` (options that are not JSON: no record, as nothing could rebuild it from one). */
export function recordComponent(component: unknown, record: ComponentRecord): void {
  if (typeof component !== 'object' || component === null) return;
  const options = jsonOptions(record.options);
  if (options) records.set(component, { ...record, options });
}
