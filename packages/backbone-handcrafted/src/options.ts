import { AcsegError, DEFAULT_MAX_PIXELS, resolveMaxPixels, toAcsegError, type ComponentOptions } from '@acseg/core';
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

export const DEFAULT_OPTIONS: HandcraftedOptions = { inputSize: 224, colorWeight: 1, textureWeight: 2, position: false, positionWeight: 0.5, maxPixels: DEFAULT_MAX_PIXELS };

const PLUGIN = '@acseg/backbone-handcrafted';

function num(options: ComponentOptions, key: keyof HandcraftedOptions, fallback: number): number {
  const raw = options[key];
  if (raw === undefined || raw === null || raw === '') return fallback;
  const v = typeof raw === 'number' ? raw : typeof raw === 'string' ? Number(raw) : NaN;
  if (!Number.isFinite(v) || v < 0) {
    throw new AcsegError('BAD_CONFIG', `backbone handcrafted: option ${key} must be a number ≥ 0, got ${JSON.stringify(raw)}`, { plugin: PLUGIN });
  }
  return v;
}

function bool(options: ComponentOptions, key: keyof HandcraftedOptions, fallback: boolean): boolean {
  const raw = options[key];
  if (raw === undefined || raw === null || raw === '') return fallback;
  if (typeof raw === 'boolean') return raw;
  if (raw === 'true' || raw === '1' || raw === 1) return true;
  if (raw === 'false' || raw === '0' || raw === 0) return false;
  throw new AcsegError('BAD_CONFIG', `backbone handcrafted: option ${key} must be true or false, got ${JSON.stringify(raw)}`, { plugin: PLUGIN });
}

function pixelLimit(raw: unknown): number {
  try {
    return resolveMaxPixels(raw);
  } catch (e) {
    const err = toAcsegError(e, 'BAD_CONFIG');
    throw new AcsegError(err.code, `backbone handcrafted: ${err.message}`, { plugin: PLUGIN });
  }
}

/** Reads and checks the options this backbone knows from a flat CLI record; ignores the rest. */
export function parseOptions(options: ComponentOptions = {}): HandcraftedOptions {
  const d = DEFAULT_OPTIONS;
  const out: HandcraftedOptions = {
    inputSize: num(options, 'inputSize', d.inputSize),
    colorWeight: num(options, 'colorWeight', d.colorWeight),
    textureWeight: num(options, 'textureWeight', d.textureWeight),
    position: bool(options, 'position', d.position),
    positionWeight: num(options, 'positionWeight', d.positionWeight),
    maxPixels: pixelLimit(options.maxPixels),
  };
  if (!Number.isInteger(out.inputSize) || out.inputSize < PATCH_SIZE || out.inputSize % PATCH_SIZE !== 0) {
    throw new AcsegError('BAD_CONFIG', `backbone handcrafted: inputSize must be a positive multiple of ${PATCH_SIZE}, got ${out.inputSize}`, { plugin: PLUGIN });
  }
  if (out.colorWeight === 0 && out.textureWeight === 0) {
    throw new AcsegError('BAD_CONFIG', 'backbone handcrafted: colorWeight and textureWeight cannot both be 0', { plugin: PLUGIN, hint: 'the features of a flat patch would be all zero' });
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
