export { writeFeatureCache, DEFAULT_SHARD_SIZE, DEFAULT_MAX_SHARD_BYTES, type WriteFeatureCacheOptions, type WriteFeatureCacheResult } from './write.js';
export { CacheRoomError, freeBytes, sizeText } from './room.js';
export { FeatureCache, type FeatureCacheOptions } from './read.js';
export { mergeFeatureCaches, type MergeFeatureCachesOptions, type MergeFeatureCachesResult } from './merge.js';
export { cachedBackbone, sourceKey } from './cached-backbone.js';
export {
  CACHE_FORMAT,
  CACHE_VERSION,
  INDEX_FILE,
  shardFileName,
  parseIndex,
  modelInfoOf,
  infoMismatch,
  describeInfo,
  type CacheIndex,
  type CacheModelInfo,
  type ShardEntry,
  type ImageEntry,
  type SkippedEntry,
} from './format.js';
export { importFeatures, type ImportFeaturesOptions, type ImportFeaturesResult } from './import/import.js';
export { cacheBackbone, pooledRegionEmbeddings, type CacheBackboneOptions } from './cache-backbone.js';
