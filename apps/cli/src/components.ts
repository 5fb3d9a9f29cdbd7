import { AcsegError, isAcsegError, type Backbone, type ConceptGenerator, type FeatureSource } from '@acseg/core';
import type { Session } from './session.js';

/** The backbone asked for, or DINO when its model is there, else the weight-free one (said in one line). */
export async function chooseBackbone(session: Session, requested: string | undefined, flags: Record<string, unknown> = {}): Promise<Backbone> {
  const name = requested ?? session.config.components.backbone;
  if (name) return session.create('backbone', name, flags);
  if (session.registry.has('backbone', 'dino')) {
    try {
      const dino = await session.create('backbone', 'dino', flags);
      session.log.info(`backbone: dino (${dino.info.model}, ${dino.info.runtime ?? 'onnxruntime'})`);
      return dino;
    } catch (e) {
      // A model the user named must be there; only the default one may be missing.
      if (!isAcsegError(e) || e.code !== 'MODEL_NOT_FOUND' || flags.model !== undefined) throw e;
    }
  }
  const fallback = await session.create('backbone', 'handcrafted', flags);
  session.log.info('backbone: handcrafted (no DINO model found; `acseg models pull dino-vits16` gives the paper\'s features)');
  return fallback;
}

/**
 * A generator that must be trained (the ACG without a checkpoint) is fitted
 * on the given images' features, read from a feature cache: unsupervised,
 * so this is legitimate.
 */
export async function ensureReady(session: Session, generator: ConceptGenerator, source: FeatureSource, checkpointDir: string, signal?: AbortSignal): Promise<void> {
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
