export { VOC_PALETTE, classColor } from './palette.js';
export { writeFileAtomic, type WriteOptions } from './atomic.js';
export { encodeLabelPng, writeLabelPng } from './label-png.js';
export { blendOverlay, writeOverlay, overlaySize, sampleMap, OVERLAY_MAX_SIDE, type OverlayOptions } from './overlay.js';
export { writeSegmentationJson, type RegionRecord, type SegmentationRecord } from './segmentation-json.js';
export {
  writeGallery,
  writeImageOutputs,
  GALLERY_PAGE_SIZE,
  type GalleryInput,
  type GalleryItem,
  type SkippedFile,
  type ImageOutputsInput,
  type ImageOutputsOptions,
} from './gallery.js';
export { GalleryLog, GALLERY_LOG, appendGalleryItemSync, galleryLine } from './gallery-log.js';
export { indexGalleryLog, itemsOf, logLines, type GalleryItems, type GalleryLine, type GalleryLogIndex, type GalleryOrder } from './gallery-index.js';
export { writeEvalReport, formatMeanStd, type ImageTransform, type EvalReportInput, type ReportSample, type ReportSeed, type MeanStd } from './eval-report.js';
export { outlinedLabel, PROTOCOL_URL, type ReportBaseline } from './eval-report-parts.js';
