export { ConfusionMatrix, IGNORE_INDEX } from './confusion.js';
export { scoreConfusion, meanStd, type Scores } from './metrics.js';
export { hungarianMatch, identityMatch, applyAssignment, matchConfusion } from './hungarian.js';
export type { Dataset, DatasetItem, DatasetProblem, OpenOptions } from './dataset.js';
export { readLabelPng, checkLabelRange, type LabelMap } from './label.js';
export { openVoc, VOC_CLASSES } from './datasets/voc.js';
export { openCamVid, CAMVID_CLASSES } from './datasets/camvid.js';
export { openCocoStuff27, loadCocoMapping, fineToCoarse, COCO_DATA_DIR, type CocoMapping, type CocoOpenOptions } from './datasets/cocostuff.js';
export { openDataset, DATASET_NAMES, type DatasetName } from './datasets/open.js';
export { shortSideCrop, resizeCropNearest } from './transform.js';
export { segmentItems, segmentSplit, type SegmentedItem, type SegmentedOrSkipped, type SegmentedSplit, type SegmentSplitOptions } from './prepare.js';
export { prepareSplit, type PrepareOptions, type PreparedItem, type PreparedSplit } from './prepared.js';
export { memoryPreparedStore, allItems, IdsList, type PreparedStore, type PreparedStoreFactory } from './prepared-store.js';
export { regionClassCounts, type RegionClassCounts } from './region-counts.js';
export { runProtocol, digests, DEFAULT_SEEDS, type ProtocolOptions } from './protocol.js';
export { evaluateClustering, evaluateKnn, evaluateKnnRetrieval, evaluateWithText, formatPaperTable, formatPerClass } from './tables.js';
export {
  encodeClassMap,
  decodeClassMap,
  type EvalReport,
  type EvalSample,
  type SeedResult,
  type MeanStd,
  type MatchingMode,
  type ImageTransform,
  type SkippedItem,
  type SamplePick,
} from './report.js';
export { majorityBaseline, regionOracle, RegionOracle, type BaselineResult } from './baseline.js';
export { perImageMIoU, pickSamples } from './samples.js';
export { writePreparedItems, readPreparedItems, writeJsonLines, encodeDigest, decodeDigest, PREPARED_FORMAT, type DigestJson } from './prepared-io.js';
