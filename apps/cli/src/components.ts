import { AcsegError, isAcsegError, type Backbone, type ConceptGenerator, type FeatureSource } from '@acseg/core';
import type { Session } from './session.js';

/**
 * The backbone asked for, else the plugins' defaults in rank order: the next
 * one when a default's model is not installed (said in one line).
 */
export async function chooseBackbone(session: Session, requested: string | undefined, flags: Record<string, unknown> = {}): Promise<Backbone> {
  const name = requested ?? session.config.components.backbone;
  if (name) return made(await session.create('backbone', name, flags), name, flags);
  const ranked = session.defaults('backbone');
  if (!ranked.length) session.componentName('backbone', undefined);
  const missing: string[] = [];
  for (const [i, id] of ranked.entries()) {
    try {
      const backbone = made(await session.create('backbone', id, flags), id, flags);
      const { model, runtime } = backbone.info;
      session.log.info(missing.length ? `backbone: ${id} (${missing.join('; ')})` : `backbone: ${id} (${model}${runtime ? `, ${runtime}` : ''})`);
      return backbone;
    } catch (e) {
      // A model the user named must be there; only a default one may be missing.
      if (!isAcsegError(e) || e.code !== 'MODEL_NOT_FOUND' || flags.model !== undefined || i === ranked.length - 1) throw e;
      missing.push(`no ${id} model found${e.hint ? `; ${e.hint}` : ''}`);
    }
  }
  throw new Error('unreachable: the last default backbone returns or throws');
}

/** How each backbone `chooseBackbone` made was asked for, so that `trainFreeingBackbone` can make it again. */
const recipes = new WeakMap<Backbone, { id: string; flags: Record<string, unknown> }>();

function made(backbone: Backbone, id: string, flags: Record<string, unknown>): Backbone {
  recipes.set(backbone, { id, flags });
  return backbone;
}

/**
 * `ensureReady` with the backbone's model freed while the generator trains, and a backbone to go on with. Training
 * the ACG on a ViT's features (d = 384) holds ~0.9 GiB, and the ViT's session another ~0.3 GiB it does not use
 * meanwhile. A backbone `chooseBackbone` made that can be freed (`dispose`) is freed before the training and made
 * again after it; otherwise the same backbone is returned. Interrupted: the freed one.
 */
export async function trainFreeingBackbone(
  session: Session,
  generator: ConceptGenerator,
  source: FeatureSource,
  checkpointDir: string,
  signal: AbortSignal | undefined,
  backbone: Backbone,
): Promise<Backbone> {
  const recipe = recipes.get(backbone);
  if (generator.ready || !backbone.dispose || !recipe) {
    await ensureReady(session, generator, source, checkpointDir, signal);
    return backbone;
  }
  await backbone.dispose();
  await ensureReady(session, generator, source, checkpointDir, signal);
  if (signal?.aborted) return backbone;
  return made(await session.create('backbone', recipe.id, recipe.flags), recipe.id, recipe.flags);
}

/**
 * A generator that must be trained (the ACG without a checkpoint) is fitted
 * on the given images' features, read from a feature cache: unsupervised,
 * so this is legitimate.
 */
export async function ensureReady(
  session: Session,
  generator: ConceptGenerator,
  source: FeatureSource,
  checkpointDir: string,
  signal?: AbortSignal,
): Promise<void> {
  if (generator.ready) return;
  if (!generator.fit) throw new AcsegError('BAD_INPUT', `generator ${generator.name} is not ready and cannot be trained`, { hint: 'give it a checkpoint' });
  if (source.length === 0) throw new AcsegError('BAD_INPUT', `no image could be read to train ${generator.name} on`);
  session.log.info(`training ${generator.name} on ${source.length} images (no checkpoint given); checkpoints in ${checkpointDir}`);
  await generator.fit(source, { progress: session.progress, log: session.log, signal, checkpointDir });
  if (!generator.save) return;
  await generator.save(checkpointDir);
  // Read back, the generator keeps its weights and drops what only training needs (the ACG: its optimizer's moments,
  // master and TF.js copies of the weights, ~0.2 GiB at d = 384). The saved weights are the trained ones, bit for bit.
  if (!signal?.aborted && generator.load) await generator.load(checkpointDir);
}

/** Ctrl-C aborts the signal once (work in progress is saved); a second Ctrl-C exits at once. */
export function interruptSignal(session: Session): { signal: AbortSignal; dispose(): void } {
  const controller = new AbortController();
  const onInt = () => {
    if (controller.signal.aborted) process.exit(130);
    session.log.warn('interrupted: finishing the current step and saving (Ctrl-C again to quit now)');
    controller.abort();
  };
  process.on('SIGINT', onInt);
  return { signal: controller.signal, dispose: () => process.off('SIGINT', onInt) };
}
