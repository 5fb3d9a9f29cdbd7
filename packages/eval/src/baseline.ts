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

type Counts = { regionCount: number; classes: number; counts: ArrayLike<number> };

/**
 * Every region of the generator labelled with its majority ground-truth class (regions with no labelled pixel left
 * out): the best any classifier could do over these regions, since it uses the labels. A ceiling beside the floor.
 * Summed an image at a time (`add`), so a split streams through it.
 */
export class RegionOracle {
  private readonly confusion: number[][];

  constructor(private readonly classes: number) {
    this.confusion = Array.from({ length: classes }, () => new Array<number>(classes).fill(0));
  }

  add(t: Counts): void {
    const { classes, confusion } = this;
    for (let r = 0; r < t.regionCount; r++) {
      let best = 0;
      for (let g = 1; g < classes; g++) if (t.counts[r * classes + g] > t.counts[r * classes + best]) best = g;
      for (let g = 0; g < classes; g++) confusion[g][best] += t.counts[r * classes + g];
    }
  }

  result(): BaselineResult {
    const s = scoreConfusion(this.confusion);
    return {
      name: 'Regions, oracle labels',
      note: 'each region of the generator labelled with its majority ground-truth class: the ceiling for any classifier over these regions (it reads the labels)',
      ...s,
    };
  }
}

/** `RegionOracle` over items in memory. */
export function regionOracle(items: ReadonlyArray<{ counts: Counts }>, classes: number): BaselineResult {
  const oracle = new RegionOracle(classes);
  for (const { counts } of items) oracle.add(counts);
  return oracle.result();
}
