import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { AcsegError, type Backbone, type ImageInput, type Segmentation } from '@acseg/core';
import { cacheBackbone, FeatureCache } from '@acseg/feature-cache';
import { chooseBackbone } from './components.js';
import { listImages } from './images.js';
import type { Session } from './session.js';
import { imageSizeOf } from './outputs.js';

/** Segmenting from feature caches (`--features`): what stands in for the images and the model. */
export interface FeaturesInput {
  /** The first cache (the images to segment, or the evaluated split). */
  cache: FeatureCache;
  /** Every cache opened, in order (`--features`, then the others, e.g. the train split's). */
  caches: readonly FeatureCache[];
  /** The caches as a backbone; region embeddings from the model on the images when `--backbone`/`--model` is given. */
  backbone(needsRegionEmbeddings: boolean): Promise<Backbone>;
  /** What the run goes through: the images of `--images`, else every image of the cache. */
  images: string[];
  /** An image to draw overlays on: the file when it exists, else a grey canvas (no image was given). */
  imageOf(seg: Segmentation): ImageInput;
  close(): Promise<void>;
}

const GREY = 160;

/**
 * Opens `--features` (and any more caches, e.g. the train split's) as the run's backbone. Images are not needed to
 * segment, only for overlays (grey without them) and for region embeddings from the backbone (the k-means/k-NN
 * classifiers): with `--backbone`/`--model` and the images these come from the model as in the paper; otherwise from
 * the cached patch tokens pooled over each region, said in one line.
 */
export async function openFeaturesInput(
  session: Session,
  argv: { features: string; images?: string; recursive?: boolean; backbone?: string; model?: string; imageSize?: string; quietImages?: boolean },
  more: readonly string[] = [],
): Promise<FeaturesInput> {
  const caches: FeatureCache[] = [];
  let regions: Backbone | undefined;
  let made: Backbone | undefined;
  try {
    for (const p of [argv.features, ...more]) caches.push(await FeatureCache.open(p));
  } catch (e) {
    await Promise.all(caches.map((c) => c.close()));
    throw e;
  }
  const cache = caches[0];
  const images = argv.images ? listImages(argv.images, { note: (m) => session.log.info(m), recursive: argv.recursive }) : cache.images.map((im) => im.source);
  if (!argv.images && !argv.quietImages && !images.every((s) => existsSync(s))) {
    session.log.info(`overlays are drawn on grey: ${argv.features} records no image files (give --images DIR to draw them on the images)`);
  }
  return {
    cache,
    caches,
    images,
    backbone: async (needsRegionEmbeddings) => {
      if (needsRegionEmbeddings && (argv.backbone || argv.model)) {
        regions = await chooseBackbone(session, argv.backbone, { model: argv.model, inputSize: argv.imageSize });
        session.log.info(`region embeddings: ${regions.name} on the images (patch features from ${argv.features})`);
      } else if (needsRegionEmbeddings) {
        session.log.info(
          `region embeddings: the cached patch tokens averaged over each region (the paper embeds each region's crop with the backbone: give --backbone/--model${argv.images ? '' : ' and --images'} for that)`,
        );
      }
      made = cacheBackbone(caches, { regions });
      return made;
    },
    imageOf: (seg) => {
      if (typeof seg.image !== 'string' || existsSync(resolve(seg.image))) return seg.image;
      const { width, height } = imageSizeOf(seg);
      return { width, height, data: new Uint8Array(width * height * 3).fill(GREY), id: seg.id };
    },
    close: async () => {
      await Promise.all([...caches.map((c) => c.close()), regions?.dispose?.()]);
    },
  };
}

/**
 * `eval --features` (and `--train-features`): the caches as the backbone, checked before any work. The train split's
 * cache is required where the train split's features are (k-NN memory bank, the ACG trained without a checkpoint).
 */
export async function featuresForEval(
  session: Session,
  argv: { features: string; trainFeatures?: string; backbone?: string; model?: string; generator: string; classifier: string; clusters?: number },
  generatorReady: boolean,
  K: number,
  background: boolean,
): Promise<{ backbone: Backbone; train?: FeatureCache; close(): Promise<void> }> {
  // What the classifier and the generator declare decides whether the train split's features are needed.
  const memoryBank = !!session.spec('classifier', argv.classifier).needs?.memoryBank;
  const trainUse = memoryBank
    ? 'the k-NN memory bank'
    : !generatorReady
      ? `training ${session.spec('generator', argv.generator).label ?? argv.generator} (no --checkpoint given)`
      : undefined;
  if (trainUse && !argv.trainFeatures) {
    throw new AcsegError('BAD_CONFIG', `eval --features: ${trainUse} needs the train split's features`, {
      hint: "give --train-features CACHE (the train split's feature cache)" + (memoryBank ? '' : ', or --checkpoint'),
    });
  }
  const probe = await session.create('classifier', argv.classifier, { K: argv.clusters }, { K, background });
  const needsRegions = !!probe.needs.regionEmbeddings;
  await probe.dispose?.();
  const input = await openFeaturesInput(session, { ...argv, images: undefined, quietImages: true }, argv.trainFeatures ? [argv.trainFeatures] : []);
  const backbone = await input.backbone(needsRegions);
  return { backbone, train: input.caches[1], close: () => input.close() };
}
