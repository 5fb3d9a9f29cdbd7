/**
 * The PASCAL VOC colour map (VOCdevkit `labelcolormap.m`): entry i takes
 * the bits of i three at a time — bit 0 → red, bit 1 → green, bit 2 →
 * blue — filling each channel from its most significant bit down.
 * 0 is black (background), 255 is (224, 224, 192), VOC's void colour.
 */
function vocPalette(): ReadonlyArray<readonly [number, number, number]> {
  const out: Array<[number, number, number]> = [];
  for (let i = 0; i < 256; i++) {
    let r = 0,
      g = 0,
      b = 0,
      c = i;
    for (let j = 0; j < 8; j++) {
      r |= (c & 1) << (7 - j);
      g |= ((c >> 1) & 1) << (7 - j);
      b |= ((c >> 2) & 1) << (7 - j);
      c >>= 3;
    }
    out.push([r, g, b]);
  }
  return out;
}

export const VOC_PALETTE: ReadonlyArray<readonly [number, number, number]> = vocPalette();

/** CSS colour of a class id. */
export function classColor(classId: number): string {
  const [r, g, b] = VOC_PALETTE[classId & 255];
  return `rgb(${r}, ${g}, ${b})`;
}
