import { AcsegError, isAcsegError, type Backbone, type ConceptGenerator, type FeatureSource } from '@acseg/core';
import type { Session } from './session.js';

/**
 * The backbone asked for, else the plugins' defaults in rank order: the next
 * one when a default's model is not installed (said in one line).
 */
export async function chooseBackbone(session: Session, requested: string | undefined, flags: Record<string, unknown> = {}): Promise<Backbone> {
  const name = requested ?? session.config.components.backbone;
  if (name) return session.create('backbone', name, flags);
  const ranked = session.defaults('backbone');
  if (!ranked.length) session.componentName('backbone', undefined);
  const missing: string[] = [];
  for (const [i, id] of ranked.entries()) {
    try {
      const backbone = await session.create('backbone', id, flags);
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
  if (generator.save) await generator.save(checkpointDir);
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
