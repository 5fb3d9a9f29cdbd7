import { componentRecordOf, isAcsegError, type Backbone } from '@acseg/core';
import { existsSync } from 'node:fs';
import { listRun } from '@acseg/explorer';
import { FeatureCache, infoMismatch, modelInfoOf } from '@acseg/feature-cache';
import { chooseBackbone } from './components.js';
import type { Session } from './session.js';

/** What retrieval's region embeddings come from: a backbone (as the k-NN classifier embeds), else the pooled cached features. */
export interface RetrievalEmbedding {
  backbone?: Backbone;
  /** For the page and the command's line. */
  words: string;
  /** The backbone's identity, for the explorer's cache of its embeddings. */
  key?: string;
}

const POOLED = 'pixel-weighted means of the cached patch features';

/**
 * Why a backbone that reads pixels cannot embed the run's regions (images moved or deleted since the run), or null:
 * then the pooled features, which need no image, serve every image rather than none.
 */
async function missingImages(run: string): Promise<string | null> {
  const { images } = await listRun(run);
  const gone = images.filter((im) => !existsSync(im.source));
  if (!gone.length) return null;
  return `it reads the images, and ${gone.length} of ${images.length} are not where the run read them (${gone[0].source}${gone.length > 1 ? ', …' : ''})`;
}

function keyOf(backbone: Backbone): string {
  const { model, modelSha256, inputSize, inputHeight, inputWidth } = backbone.info;
  return JSON.stringify({ component: componentRecordOf(backbone) ?? backbone.name, model: modelSha256 ?? model, input: [inputSize, inputHeight, inputWidth] });
}

function usable(backbone: Backbone, words: string): RetrievalEmbedding {
  return { backbone, words: `${words}, as the k-NN classifier makes them`, key: keyOf(backbone) };
}

/**
 * `--backbone NAME` when given; else the backbone the feature cache records (`info.component`), rebuilt through the
 * plugin registry by its name and options (`--model`, `--image-size` override them) and used when it embeds regions
 * and makes the cache's features (same model, input); else the pooled cached features, with the reason. Errors of a
 * named `--backbone` are the user's; a recorded one that cannot be built is only a reason to fall back.
 */
export async function retrievalEmbedding(
  session: Session,
  o: { run: string; backbone?: string; features?: string; model?: string; imageSize?: string },
): Promise<RetrievalEmbedding | undefined> {
  const flags = Object.fromEntries(Object.entries({ model: o.model, inputSize: o.imageSize }).filter(([, v]) => v !== undefined));
  if (o.backbone) {
    session.checkNames({ backbone: o.backbone });
    const backbone = await chooseBackbone(session, o.backbone, flags);
    return usable(backbone, `backbone ${o.backbone} (--backbone)`);
  }
  if (!o.features) return undefined;
  const cache = await FeatureCache.open(o.features);
  const info = cache.info;
  await cache.close();
  const pooled = (why: string): RetrievalEmbedding => ({ words: `${POOLED} (${why})` });
  const c = info.component;
  if (!c) return pooled('the feature cache records no backbone component: written before acseg recorded it, or imported');
  const from = `plugin ${c.plugin}${c.pluginVersion ? ` ${c.pluginVersion}` : ''}`;
  if (!session.registry.has('backbone', c.name)) return pooled(`backbone ${c.name} of ${from}, recorded in the feature cache, is not loaded`);
  let backbone: Backbone;
  try {
    backbone = await session.create('backbone', c.name, { ...c.options, ...flags });
  } catch (e) {
    if (!isAcsegError(e)) throw e;
    return pooled(`backbone ${c.name} recorded in the feature cache cannot be built: ${e.message}`);
  }
  const diff =
    typeof backbone.regionEmbeddings !== 'function'
      ? 'it makes no region embeddings'
      : (infoMismatch(info, modelInfoOf(backbone.info)) ?? (backbone.regionEmbeddingsReadPixels ? await missingImages(o.run) : null));
  if (diff) {
    await backbone.dispose?.();
    return pooled(`backbone ${c.name} recorded in the feature cache is not usable: ${diff}`);
  }
  return usable(backbone, `backbone ${c.name} (${from}, recorded in the feature cache)`);
}
