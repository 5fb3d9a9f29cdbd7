import { CLASS_PRESETS, classPreset } from '@acseg/core';

/** The vocabulary of a classifier that names classes (CLIP) when no `--classes` is given: the paper's Table 4 set. */
export const DEFAULT_CLASS_PRESET = 'voc';

const PRESET_NAMES = Object.keys(CLASS_PRESETS).join(', ');

/**
 * `--classes`: a preset (voc, cocostuff27, camvid) or names separated by commas. Class 0 is background, as
 * `acseg run` numbers classes: the voc preset has it, the others get it in front.
 */
export function classNamesFrom(spec: string | readonly string[]): { names: string[]; preset?: string } {
  const preset = typeof spec === 'string' ? classPreset(spec) : undefined;
  const list = preset ?? (typeof spec === 'string' ? spec.split(',') : [...spec]).map((c) => c.trim()).filter(Boolean);
  const names = list[0]?.toLowerCase() === 'background' ? list : ['background', ...list];
  return { names, preset: preset ? (spec as string).trim().toLowerCase() : undefined };
}

/** The one line that says which vocabulary a preset brings. */
export function describePreset(preset: string, names: readonly string[], source: 'default' | string): string {
  const how = source === 'default' ? `the default for a classifier that needs class names; --classes ${PRESET_NAMES} or "cat,dog,..." picks others` : source;
  return `classes: the ${preset} preset, ${names.length - 1} classes + background (${how})`;
}
