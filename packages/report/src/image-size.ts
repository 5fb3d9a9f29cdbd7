import sharp from 'sharp';
import { AcsegError } from '@acseg/core';

/**
 * An image file's size as `loadRgb` decodes it (EXIF orientations 5-8 swap width and height), from its header
 * only: what a feature cache records for features computed elsewhere, without decoding 100 000 images.
 */
export async function imageSize(path: string): Promise<{ width: number; height: number }> {
  try {
    const m = await sharp(path).metadata();
    if (!m.width || !m.height) throw new Error('no size in the header');
    return (m.orientation ?? 1) >= 5 ? { width: m.height, height: m.width } : { width: m.width, height: m.height };
  } catch (e) {
    throw new AcsegError('BAD_IMAGE', `${path}: cannot read the image size (${(e as Error).message})`, { file: path, cause: e });
  }
}
