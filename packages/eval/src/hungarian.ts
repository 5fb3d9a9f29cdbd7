import { AcsegError } from '@acseg/core';
import { munkres } from 'munkres';
import type { ConfusionMatrix } from './confusion.js';
import type { MatchingMode } from './report.js';

/**
 * Hungarian matching of predicted ids to classes (the `munkres` package,
 * O(M²N)). `counts` is ground-truth class (row) × predicted id (column).
 *
 * - `pixels` (default; STEGO, PiCIE): maximize the pixels on matched pairs,
 *   Σ counts[class][id].
 * - `iou` (Deep Spectral Methods, MaskContrast): maximize the summed IoU of
 *   matched pairs, IoU = n / (|class| + |id| − n).
 *
 * Rectangular: with more ids than classes, each class gets one id and the
 * rest stay unmatched (-1): their pixels count as wrong for their
 * ground-truth class (false negatives) and as nobody's prediction. With
 * fewer ids than classes, some classes get no id and score IoU 0 where
 * present. Returns, for each id 0..columns-1, its class or -1.
 */
export function hungarianMatch(counts: readonly (readonly number[])[], mode: Exclude<MatchingMode, 'none'> = 'pixels'): number[] {
  const C = counts.length;
  const P = C ? counts[0].length : 0;
  if (C === 0 || P === 0) return new Array<number>(P).fill(-1);
  for (const row of counts) if (row.length !== P) throw new AcsegError('BAD_INPUT', 'matching: every confusion row must have the same number of columns');
  let score: (c: number, q: number) => number;
  if (mode === 'pixels') score = (c, q) => counts[c][q];
  else if (mode === 'iou') {
    const gtSum = counts.map((row) => row.reduce((a, b) => a + b, 0));
    const predSum = Array.from({ length: P }, (_, q) => counts.reduce((a, row) => a + row[q], 0));
    score = (c, q) => {
      const n = counts[c][q];
      const union = gtSum[c] + predSum[q] - n;
      return union > 0 ? n / union : 0;
    };
  } else throw new AcsegError('BAD_CONFIG', `unknown matching "${String(mode)}"; use pixels or iou`);
  // Rows = predicted ids, columns = classes; munkres minimizes, so negate.
  const cost = Array.from({ length: P }, (_, q) => Array.from({ length: C }, (_, c) => -score(c, q)));
  const assignment = new Array<number>(P).fill(-1);
  for (const [q, c] of munkres(cost)) assignment[q] = c;
  return assignment;
}

/** The assignment for `none`: id = class where in range, else unmatched. */
export function identityMatch(columns: number, classes: number): number[] {
  return Array.from({ length: columns }, (_, q) => (q < classes ? q : -1));
}

/**
 * Relabels a confusion by an id → class assignment: a classes × classes
 * matrix, plus per class the pixels whose prediction went to no class
 * (unmatched ids and unlabelled predictions).
 */
export function applyAssignment(cm: ConfusionMatrix, assignment: readonly number[]): { confusion: number[][]; missed: number[] } {
  const C = cm.classes;
  const confusion = Array.from({ length: C }, () => new Array<number>(C).fill(0));
  const missed = Array.from(cm.unlabeled);
  for (let g = 0; g < C; g++) {
    for (let q = 0; q < cm.predictedIds; q++) {
      const n = cm.get(g, q);
      if (n === 0) continue;
      const c = assignment[q] ?? -1;
      if (c >= 0 && c < C) confusion[g][c] += n;
      else missed[g] += n;
    }
  }
  return { confusion, missed };
}

/** Matches (or not) a dataset's confusion: the id → class assignment for `mode`. */
export function matchConfusion(cm: ConfusionMatrix, mode: MatchingMode): number[] {
  const columns = Math.max(cm.predictedIds, 1);
  if (mode === 'none') return identityMatch(columns, cm.classes);
  return hungarianMatch(cm.toRows(columns), mode);
}
