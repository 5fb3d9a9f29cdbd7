/**
 * Where each feature group lives in a patch vector (d = 96), and the
 * constants that scale it. See README "Features" for the derivation.
 */
export const PATCH_SIZE = 16;
/** HOG cell side at full resolution: 2×2 cells of 8×8 px per 16×16 patch (one Dalal–Triggs block). */
export const CELL_SIZE = 8;
/** Unsigned orientation bins over [0°, 180°); bin b is centred on b·20°. */
export const ORIENT_BINS = 9;
/** Bins per Lab channel in the colour histogram. */
export const HIST_BINS = 10;
/** L* histogram covers [0, 100]; a* and b* cover [-100, 100] (values beyond are clamped). */
export const L_RANGE = [0, 100] as const;
export const AB_RANGE = [-100, 100] as const;
/** Contrast floor of the HOG normalization v / √(‖v‖² + ε²), in units of L* ÷ 100 per pixel. */
export const HOG_EPSILON = 0.02;
/** Lab mean is divided by these ([L, a, b]); the std by STD_SCALE. */
export const MEAN_SCALE = [100, 128, 128] as const;
export const STD_SCALE = 50;
/** Weight of the std sub-group inside the colour block. */
export const STD_WEIGHT = 0.5;

export const LAYOUT = {
  /** Lab mean / MEAN_SCALE. */
  mean: { offset: 0, size: 3 },
  /** Lab standard deviation / STD_SCALE × STD_WEIGHT. */
  std: { offset: 3, size: 3 },
  /** Soft histograms of L*, a*, b* (HIST_BINS each, each summing to 1), / √3. */
  hist: { offset: 6, size: 3 * HIST_BINS },
  /** Full resolution: 2×2 cells × ORIENT_BINS, block-normalized. */
  hog1: { offset: 36, size: 4 * ORIENT_BINS },
  /** Half resolution (the patch is 8×8 px there), ORIENT_BINS. */
  hog2: { offset: 72, size: ORIENT_BINS },
  /** Quarter resolution (4×4 px), ORIENT_BINS. */
  hog4: { offset: 81, size: ORIENT_BINS },
  /** Tent functions at 0, ½, 1 of the width (3) then of the height (3). */
  position: { offset: 90, size: 6 },
} as const;

export const FEATURE_DIM = 96;

/** Colour block = [mean, std, hist] × COLOR_NORM × colorWeight (so its norm is about 1 at weight 1). */
export const COLOR_NORM = 1 / Math.sqrt(1 + STD_WEIGHT * STD_WEIGHT + 1);
/** Texture block = [hog1, hog2, hog4] (each of norm < 1) / √3 × textureWeight. */
export const TEXTURE_NORM = 1 / Math.sqrt(3);
/** Position block = tents / √2 × positionWeight. */
export const POSITION_NORM = 1 / Math.SQRT2;
