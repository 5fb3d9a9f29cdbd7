export { buildExplorer, type ExploreOptions, type ExploreResult } from './build.js';
export { writeFigures, type FigureOptions, type FiguresResult } from './figures.js';
export { serveExplorer, type ServedExplorer } from './serve.js';
export { PAGE_SIZE, MAP_SIDE, EXPLORE_FORMAT, MISSING, type ExploreIndex, type PageImage, type IndexEntry } from './format.js';
export { imageIou } from './iou.js';
export type { GroundTruthSource, RegionEmbedder } from './image-record.js';
export type { IndexMap } from './maps.js';
export { listRun, type RunImage } from './run-reader.js';
