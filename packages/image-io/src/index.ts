export { DEFAULT_MAX_PIXELS, MAX_PIXELS_ENV, type ImageDecoder, type ImageDecodeOptions } from '@acseg/core';
export { createImageDecoder } from './decoder.js';
export { decodeImage, readImageSize, type DecodeOptions } from './decode.js';
export { heicThreads, HEIC_THREADS_ENV } from './heic.js';
export { resizeRgb, cropRgb, type ResizeKernel } from './resize.js';
export { encodePng, encodeJpeg, previewJpeg, thumbnailJpeg, svgToPng } from './encode.js';
export { checkPatchSize, firstLine, imageError, SUPPORTED_FORMATS, undecodableImage, unreadableImage, withLibvipsDetail } from './errors.js';
