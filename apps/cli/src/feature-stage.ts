import { readdir, rm } from 'node:fs/promises';
import { resolve } from 'node:path';
import { describeSkip, type Backbone, type ImageInput } from '@acseg/core';
import { CacheRoomError, cachedBackbone, FeatureCache, writeFeatureCache } from '@acseg/feature-cache';
import type { Session } from './session.js';

/** Folder of the temporary feature cache inside a command's output folder. */
export const TEMP_FEATURES = '.acseg-features';

export interface FeatureStage {
  cache: FeatureCache;
  /** The backbone, serving the cached images from the cache. */
  backbone: Backbone;
  skipped: Array<{ source: string; message: string }>;
  /** Serves the cache through another backbone from now on (`backbone` becomes its cached form). */
  rebind(backbone: Backbone): void;
  /** Closes the cache; removes it when it was temporary and `keep` is false. */
  close(keep?: boolean): Promise<void>;
}

/**
 * Features once, on disk: a command that must train the ACG first (or
 * segment twice) computes every image's features into a feature cache,
 * trains from it streaming, and segments from it, so the backbone runs
 * once per image and nothing grows in memory. The cache is `named` (kept,
 * reusable with `acseg train --features`) or a temporary one (inside the output folder),
 * removed at the end, or kept after Ctrl-C so the same command resumes it.
 * Returns undefined when interrupted.
 */
export async function cacheFeatures(
  session: Session,
  backbone: Backbone,
  images: readonly ImageInput[],
  where: { named?: string; temp: string; roomHint?: string },
  signal?: AbortSignal,
): Promise<FeatureStage | undefined> {
  const dir = resolve(where.named ?? where.temp);
  const temporary = !where.named;
  const roomHint =
    where.roomHint ??
    (temporary
      ? `free some space, or give --features-cache DIR on a disk with more room (the features go to ${dir} otherwise, removed at the end)`
      : 'free some space, or give --features-cache a folder on a disk with more room');
  // A temporary cache this call starts (no folder, or an empty one) is removed again when the disk has no room for
  // it: nothing in it is worth keeping, and a mkdtemp folder would never be found again.
  const fresh =
    temporary &&
    (await readdir(dir).then(
      (names) => names.length === 0,
      () => true,
    ));
  const r = await writeFeatureCache({ backbone, images, out: dir, progress: session.progress, log: session.log, signal, roomHint }).catch(
    async (e: unknown) => {
      if (fresh && e instanceof CacheRoomError) await rm(dir, { recursive: true, force: true });
      throw e;
    },
  );
  for (const s of r.skipped) session.log.warn(`skipped ${describeSkip(s.source, s.message)}`);
  if (signal?.aborted) {
    session.log.warn(`features of ${r.written + r.resumed} images are kept in ${dir}; the same command continues from them`);
    return undefined;
  }
  const cache = await FeatureCache.open(dir);
  const stage: FeatureStage = {
    cache,
    backbone: cachedBackbone(cache, backbone),
    skipped: r.skipped,
    rebind: (other) => {
      stage.backbone = cachedBackbone(cache, other);
    },
    close: async (keep = false) => {
      await cache.close();
      if (temporary && !keep) await rm(dir, { recursive: true, force: true });
    },
  };
  return stage;
}
