/**
 * Per-image IoU of a class map against ground truth: each predicted class is
 * named by the ground-truth class it overlaps most in this image (unsupervised
 * ids carry no names; per image, the most favourable many-to-one reading),
 * then the IoU of every class present in either map is averaged. Ground-truth
 * 255 (void) pixels are left out. Maps of one size; undefined when no pixel counts.
 */
export function imageIou(pred: Uint8Array, gt: Uint8Array): number | undefined {
  const overlap = new Map<number, Map<number, number>>();
  for (let p = 0; p < gt.length; p++) {
    if (gt[p] === 255) continue;
    let row = overlap.get(pred[p]);
    if (!row) overlap.set(pred[p], (row = new Map()));
    row.set(gt[p], (row.get(gt[p]) ?? 0) + 1);
  }
  if (!overlap.size) return undefined;
  const name = new Map<number, number>();
  for (const [c, row] of overlap) {
    let best = -1;
    let bestCount = -1;
    for (const [g, count] of row)
      if (count > bestCount || (count === bestCount && g < best)) {
        best = g;
        bestCount = count;
      }
    name.set(c, best);
  }
  const inter = new Map<number, number>();
  const union = new Map<number, number>();
  const add = (m: Map<number, number>, k: number) => m.set(k, (m.get(k) ?? 0) + 1);
  for (let p = 0; p < gt.length; p++) {
    if (gt[p] === 255) continue;
    const named = name.get(pred[p])!;
    add(union, gt[p]);
    if (named === gt[p]) add(inter, gt[p]);
    else add(union, named);
  }
  let sum = 0;
  for (const [g, u] of union) sum += (inter.get(g) ?? 0) / u;
  return sum / union.size;
}
