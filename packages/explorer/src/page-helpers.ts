import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { runInNewContext } from 'node:vm';
import { ASSETS } from './assets.js';

/** What the figures use of the page's helpers (assets/explorer-data.js). */
interface PageHelpers {
  conceptColor(r: number): string;
  rgb(hex: string): number[];
  decodeRle(rle: readonly number[], n: number): Uint8Array;
}

let helpers: PageHelpers | undefined;

/**
 * The page's own script, run once in a sandbox: figures colour regions and decode maps with the very code the page
 * does, so the two cannot drift. Its top level only defines functions and tables (nothing touches the DOM); the host's
 * Uint8Array is lent so decoded maps are ordinary arrays here.
 */
function page(): PageHelpers {
  if (!helpers) {
    const window: { acsegExplore?: PageHelpers } = {};
    runInNewContext(readFileSync(join(ASSETS, 'explorer-data.js'), 'utf8'), { window, Uint8Array });
    helpers = window.acsegExplore!;
  }
  return helpers;
}

/** Concept colour (hex) of region index r: the page's. */
export const conceptColor = (r: number): string => page().conceptColor(r);
export const rgb = (hex: string): number[] => page().rgb(hex);
export const decodeRle = (rle: readonly number[], n: number): Uint8Array => page().decodeRle(rle, n);
