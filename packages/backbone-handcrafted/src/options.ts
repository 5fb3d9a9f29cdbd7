import { AcsegError, DEFAULT_MAX_PIXELS, opt, parseOptions as parseSchemaOptions, resolveMaxPixels, v, type ComponentOptions } from '@acseg/core';
import { PATCH_SIZE } from './layout.js';

export interface HandcraftedOptions {
  /** Side of the square input (a multiple of 16). Default 224: the 14×14 grid of ViT-S/16 (method notes §1). */
  inputSize: number;
  /** Weight of the colour block (Lab mean, std, histograms). Default 1. */
  colorWeight: number;
  /** Weight of the texture block (HOG at 3 scales). Default 2 (README: CamVid-train patch 1-NN study). */
  textureWeight: number;
  /** Add the position block. Default false: position is not a property of what a patch shows. */
  position: boolean;
  /** Weight of the position block when `position` is on. Default 0.5. */
  positionWeight: number;
  /** Largest image accepted, in pixels, checked from the header before decoding. Default `$ACSEG_MAX_PIXELS`, else 64 MP. */
  maxPixels: number;
}

export const DEFAULT_OPTIONS: HandcraftedOptions = {
  inputSize: 224,
  colorWeight: 1,
  textureWeight: 2,
  position: false,
  positionWeight: 0.5,
  maxPixels: DEFAULT_MAX_PIXELS,
};

const PLUGIN = '@acseg/backbone-handcrafted';

/** The options `--set` / the config file give this backbone (defaults above). */
export const HANDCRAFTED_SCHEMA = v.object({
  inputSize: opt.int('side of the square input, a multiple of 16 (224: the 14×14 grid of ViT-S/16)', {
    min: PATCH_SIZE,
    default: DEFAULT_OPTIONS.inputSize,
    expected: `a positive multiple of ${PATCH_SIZE}`,
  }),
  colorWeight: opt.number('weight of the colour block (Lab mean, std, histograms)', { min: 0, default: DEFAULT_OPTIONS.colorWeight }),
  textureWeight: opt.number('weight of the texture block (HOG at 3 scales)', { min: 0, default: DEFAULT_OPTIONS.textureWeight }),
  position: opt.bool('add the position block', DEFAULT_OPTIONS.position),
  positionWeight: opt.number('weight of the position block when position is on', { min: 0, default: DEFAULT_OPTIONS.positionWeight }),
  maxPixels: opt.int('largest image accepted, in pixels (default $ACSEG_MAX_PIXELS, else 64 MP)', { min: 1, expected: 'a positive whole number of pixels' }),
});

/** Reads and checks the options this backbone knows from a flat CLI record; ignores the rest. */
export function parseOptions(options: ComponentOptions = {}): HandcraftedOptions {
  const o = parseSchemaOptions(HANDCRAFTED_SCHEMA, options, 'backbone handcrafted', { plugin: PLUGIN });
  const out: HandcraftedOptions = { ...o, maxPixels: resolveMaxPixels(o.maxPixels) };
  if (out.inputSize % PATCH_SIZE !== 0) {
    throw new AcsegError('BAD_CONFIG', `backbone handcrafted: inputSize must be a positive multiple of ${PATCH_SIZE}, got ${out.inputSize}`, {
      plugin: PLUGIN,
    });
  }
  if (out.colorWeight === 0 && out.textureWeight === 0) {
    throw new AcsegError('BAD_CONFIG', 'backbone handcrafted: colorWeight and textureWeight cannot both be 0', {
      plugin: PLUGIN,
      hint: 'the features of a flat patch would be all zero',
    });
  }
  return out;
}

/** The model identity caches record: changes whenever the features would. */
export function modelName(o: HandcraftedOptions): string {
  const parts = [`handcrafted-v1-${o.inputSize}`];
  if (o.colorWeight !== DEFAULT_OPTIONS.colorWeight || o.textureWeight !== DEFAULT_OPTIONS.textureWeight) parts.push(`c${o.colorWeight}-t${o.textureWeight}`);
  if (o.position && o.positionWeight > 0) parts.push(`pos${o.positionWeight}`);
  return parts.join('-');
}
