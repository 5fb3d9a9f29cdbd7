import sharp, { type Sharp } from 'sharp';
import { AcsegError, imageSource, isRgbImage, type ImageInput, type RgbImage } from '@acseg/core';

/** Crop/resize applied to an image before segmentation (e.g. COCO-Stuff's short side 320 + centre crop). */
export interface ImageTransform {
  resize?: { width: number; height: number };
  crop?: { left: number; top: number; width: number; height: number };
}

/**
 * Decodes an image (path or RgbImage) to 8-bit RGB with the backbones'
 * normalizations (EXIF rotation, sRGB, no alpha), applies `transform`, and
 * resizes to `size` when it still differs (so it lines up with a class map).
 */
export async function loadRgb(image: ImageInput, transform?: ImageTransform, size?: { width: number; height: number }): Promise<RgbImage> {
  const source = imageSource(image);
  // A decoded image (the run's one decode) is already what the steps below would make of it.
  if (typeof image !== 'string' && isRgbImage(image) && !transform && (!size || (size.width === image.width && size.height === image.height))) {
    return { width: image.width, height: image.height, data: image.data };
  }
  try {
    let s: Sharp;
    if (typeof image === 'string') s = sharp(image).rotate();
    else if (isRgbImage(image)) s = sharp(image.data, { raw: { width: image.width, height: image.height, channels: 3 } });
    else throw new Error('not an 8-bit RGB image');
    if (transform?.resize) s = sharp(await s.resize(transform.resize.width, transform.resize.height, { fit: 'fill' }).toBuffer());
    if (transform?.crop) s = s.extract(transform.crop);
    if (size) s = s.resize(size.width, size.height, { fit: 'fill' });
    const { data, info } = await s.toColourspace('srgb').removeAlpha().raw().toBuffer({ resolveWithObject: true });
    return { width: info.width, height: info.height, data: new Uint8Array(data.buffer, data.byteOffset, data.length) };
  } catch (e) {
    throw new AcsegError('BAD_IMAGE', `${source}: cannot read the image (${e instanceof Error ? e.message : String(e)})`, { file: source, cause: e });
  }
}
