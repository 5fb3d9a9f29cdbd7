import { scoreConfusion } from './metrics.js';

/** A trivial prediction scored on the same split and pixels, to judge the method's numbers against. */
export interface BaselineResult {
  name: string;
  /** One sentence: what it predicts. */
  note: string;
  /** Percent. */
  mIoU: number;
  pixelAccuracy: number;
  perClassIoU: Array<number | null>;
}

/**
 * Every pixel predicted as the split's most frequent class (by ground-truth pixels, void excluded), scored as the
 * method is: the reference point below which a method has learned nothing.
 */
export function majorityBaseline(gtPixels: readonly number[], classNames: readonly string[]): BaselineResult {
  const C = gtPixels.length;
  let m = 0;
  for (let c = 1; c < C; c++) if (gtPixels[c] > gtPixels[m]) m = c;
  const confusion = Array.from({ length: C }, (_, g) => Array.from({ length: C }, (_, p) => (p === m ? gtPixels[g] : 0)));
  const s = scoreConfusion(confusion);
  return { name: 'Majority class', note: `every pixel predicted as "${classNames[m] ?? `class ${m}`}", the most frequent class of the split`, ...s };
}
