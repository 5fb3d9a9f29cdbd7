import { AcsegError, isRegisteringPlugin, type AcsegPlugin, type ModelLayout, type ModelSpec } from '@acseg/core';

/** Declared models by name: the union of the loaded plugins' `models`. */
export type ModelCatalog = Readonly<Record<string, ModelSpec>>;

/** A declared model with its name (and the plugin that declares it, when known). */
export interface NamedModel extends ModelSpec {
  name: string;
  layout: ModelLayout;
  plugin?: string;
}

/** The model `name` declares, with its layout filled in (`files` when none is given). */
export function namedModel(name: string, spec: ModelSpec, plugin?: string): NamedModel {
  return { ...spec, name, layout: spec.layout ?? 'files', ...(plugin ? { plugin } : {}) };
}

export function findIn(models: ModelCatalog, name: string): NamedModel | undefined {
  return Object.hasOwn(models, name) ? namedModel(name, models[name], (models[name] as { plugin?: string }).plugin) : undefined;
}

export function getIn(models: ModelCatalog, name: string): NamedModel {
  const m = findIn(models, name);
  if (!m) {
    throw new AcsegError('MODEL_NOT_FOUND', `unknown model "${name}". Known models: ${Object.keys(models).join(', ')}`, {
      hint: 'pick one of the names above, or pass the path of an .onnx file (or a folder holding onnx/model.onnx or model.onnx)',
    });
  }
  return m;
}

function checkSpec(plugin: string, name: string, spec: unknown): ModelSpec {
  const s = spec as Partial<ModelSpec> | null;
  const wrong: string[] = [];
  if (typeof s !== 'object' || s === null) wrong.push('the entry itself');
  else {
    if (typeof s.description !== 'string') wrong.push('description');
    if (typeof s.repo !== 'string' || !/^[^/\s]+\/[^/\s]+$/.test(s.repo)) wrong.push('repo (owner/name)');
    if (!Array.isArray(s.files) || !s.files.length || s.files.some((f) => typeof f !== 'string' || !f || f.startsWith('/') || f.split('/').includes('..')))
      wrong.push('files (paths in the repository)');
    if (s.layout !== undefined && !['hub-onnx', 'safetensors', 'files'].includes(s.layout)) wrong.push('layout');
    if (s.layout === 'safetensors' && typeof s.convert !== 'function') wrong.push('convert (needed by the safetensors layout)');
  }
  if (wrong.length) {
    throw new AcsegError('NOT_A_PLUGIN', `plugin ${plugin} declares model "${name}" with a missing or wrong ${wrong.join(', ')}`, {
      plugin,
      hint: "models: { 'my-model': { description: '...', repo: 'owner/name', files: ['model.onnx'], layout: 'files' } }",
    });
  }
  return s as ModelSpec;
}

/**
 * The models every loaded plugin declares in its manifest, by name, each
 * tagged with its plugin. A name two plugins declare is refused, naming both.
 */
export function catalogFromPlugins(plugins: readonly AcsegPlugin[]): ModelCatalog {
  const out: Record<string, ModelSpec & { plugin: string }> = {};
  for (const p of plugins) {
    if (isRegisteringPlugin(p) || !p.models) continue;
    for (const [name, spec] of Object.entries(p.models)) {
      const checked = checkSpec(p.name, name, spec);
      if (Object.hasOwn(out, name)) {
        throw new AcsegError('NOT_A_PLUGIN', `model "${name}" is declared by two plugins: ${out[name].plugin} and ${p.name}`, {
          plugin: p.name,
          hint: 'load only one of them (or rename the model in one)',
        });
      }
      out[name] = { ...checked, plugin: p.name };
    }
  }
  return out;
}
