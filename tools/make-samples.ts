/**
 * Writes the synthetic sample images in samples/: procedural 320×240
 * scenes with a few distinct regions (sky, ground, objects of different
 * colours and textures), so `acseg run samples` has something to find.
 * Deterministic (seeded noise); run from the repo root:
 *   npx tsx tools/make-samples.ts
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { mulberry32 } from '@acseg/random';

const W = 320;
const H = 240;
type RGB = [number, number, number];

/** Deterministic PRNG (@acseg/random's mulberry32, the seed as its state) so results reproduce. */
const rng = (seed: number): (() => number) => mulberry32(seed);

class Canvas {
  readonly data = new Float32Array(W * H * 3);
  constructor(readonly rand: () => number) {}
  /** Paints every pixel where `inside` holds with `colour(x, y)`. */
  paint(inside: (x: number, y: number) => boolean, colour: (x: number, y: number) => RGB): void {
    for (let y = 0; y < H; y++)
      for (let x = 0; x < W; x++) {
        if (!inside(x, y)) continue;
        const c = colour(x, y);
        this.data.set(c, 3 * (y * W + x));
      }
  }
  /** Adds Gaussian-ish noise of amplitude `amp` (sum of uniforms). */
  noise(amp: number): void {
    for (let i = 0; i < this.data.length; i++) this.data[i] += amp * (this.rand() + this.rand() + this.rand() - 1.5);
  }
  bytes(): Buffer {
    const out = Buffer.alloc(this.data.length);
    for (let i = 0; i < out.length; i++) out[i] = Math.max(0, Math.min(255, Math.round(this.data[i])));
    return out;
  }
}

const all = () => true;
const mix = (a: RGB, b: RGB, t: number): RGB => [a[0] + (b[0] - a[0]) * t, a[1] + (b[1] - a[1]) * t, a[2] + (b[2] - a[2]) * t];
const shade = (c: RGB, k: number): RGB => [c[0] * k, c[1] * k, c[2] * k];
const circle = (cx: number, cy: number, r: number) => (x: number, y: number) => (x - cx) ** 2 + (y - cy) ** 2 <= r * r;
const rect = (x0: number, y0: number, x1: number, y1: number) => (x: number, y: number) => x >= x0 && x < x1 && y >= y0 && y < y1;
const sky = (y: number): RGB => mix([90, 150, 230], [190, 220, 250], y / 120);

function beach(c: Canvas): void {
  c.paint(all, (_x, y) => sky(y));
  c.paint(
    (_x, y) => y >= 100 && y < 150,
    (x, y) => shade([20, 80, 140], 0.85 + 0.15 * Math.sin(x / 6 + Math.sin(y / 3) * 2)),
  );
  const grain = rng(7);
  c.paint(
    (_x, y) => y >= 150,
    () => shade([225, 195, 130], 0.85 + 0.3 * grain()),
  );
  c.paint(circle(220, 180, 22), (x, y) => (Math.floor(Math.atan2(y - 180, x - 220) / (Math.PI / 3)) % 2 ? [220, 30, 30] : [245, 245, 240]));
  c.paint(circle(270, 40, 18), () => [255, 230, 90]);
}

function meadow(c: Canvas): void {
  c.paint(all, (_x, y) => sky(y));
  const blades = rng(11);
  const offsets = Array.from({ length: W }, () => blades());
  c.paint(
    (_x, y) => y >= 130,
    (x, y) => shade([60, 140, 50], 0.7 + 0.45 * offsets[x] * (0.6 + 0.4 * Math.sin(y / 2 + x))),
  );
  c.paint(rect(70, 90, 90, 190), (x) => shade([110, 70, 35], 0.8 + 0.2 * Math.sin(x)));
  c.paint(circle(80, 75, 42), (x, y) => shade([30, 100, 35], 0.75 + 0.25 * Math.sin(x / 3) * Math.cos(y / 3)));
  c.paint(
    (x, y) => y >= 190 && y < 230 && x > 180 && x < 300 && Math.abs(x - 240) / 60 + Math.abs(y - 210) / 20 < 1,
    () => [200, 60, 160],
  );
}

function street(c: Canvas): void {
  c.paint(all, (_x, y) => sky(y));
  const houses: Array<[number, number, number, RGB]> = [
    [0, 60, 110, [170, 90, 70]],
    [110, 30, 200, [200, 190, 170]],
    [200, 80, 320, [90, 110, 150]],
  ];
  for (const [x0, top, x1, col] of houses) {
    c.paint(rect(x0, top, x1, 170), (x, y) => ((x - x0) % 22 > 8 && (y - top) % 26 > 10 && (x - x0) % 22 < 18 ? [60, 70, 90] : col));
  }
  c.paint(
    (_x, y) => y >= 170,
    () => [95, 95, 100],
  );
  c.paint(
    (x, y) => y >= 200 && y < 206 && x % 50 < 28,
    () => [240, 240, 235],
  );
  c.paint(rect(40, 185, 120, 215), () => [30, 60, 200]);
  c.paint(circle(60, 217, 9), () => [20, 20, 20]);
  c.paint(circle(102, 217, 9), () => [20, 20, 20]);
}

function fruit(c: Canvas): void {
  c.paint(all, (x, y) => shade([150, 100, 60], 0.8 + 0.2 * Math.sin(y / 4 + Math.sin(x / 40) * 3)));
  c.paint(rect(0, 0, W, 60), () => [225, 225, 215]);
  c.paint(
    (x, y) => ((x - 160) / 120) ** 2 + ((y - 150) / 70) ** 2 <= 1,
    () => [245, 245, 250],
  );
  for (const [cx, cy] of [
    [120, 140],
    [165, 160],
    [205, 135],
  ])
    c.paint(circle(cx, cy, 24), (x, y) => shade([250, 140, 20], 1 - (0.35 * Math.hypot(x - cx + 8, y - cy + 8)) / 30));
  c.paint(circle(270, 70, 20), () => [120, 200, 40]);
}

function mountains(c: Canvas): void {
  c.paint(all, (_x, y) => sky(y));
  const peak = (px: number, py: number, half: number) => (x: number, y: number) => y >= py + Math.abs(x - px) * ((150 - py) / half) && y < 150;
  c.paint(peak(90, 40, 120), (_x, y) => (y < 75 ? [240, 240, 245] : [120, 115, 125]));
  c.paint(peak(230, 60, 130), (_x, y) => (y < 90 ? [235, 235, 240] : [105, 100, 115]));
  const trees = rng(5);
  c.paint(
    (_x, y) => y >= 150 && y < 185,
    (x) => shade([25, 75, 40], 0.6 + 0.5 * (x % 9 < 5 ? 1 : 0.4) * (0.8 + 0.2 * trees())),
  );
  c.paint(
    (_x, y) => y >= 185,
    (x, y) => shade([40, 90, 150], 0.9 + 0.1 * Math.sin(y * 1.5 + x / 20)),
  );
}

const SCENES: Record<string, (c: Canvas) => void> = { beach, meadow, street, fruit, mountains };

async function main(): Promise<void> {
  const out = join(process.cwd(), 'samples');
  mkdirSync(out, { recursive: true });
  let seed = 1;
  for (const [name, draw] of Object.entries(SCENES)) {
    const c = new Canvas(rng(seed++));
    draw(c);
    c.noise(6);
    const file = join(out, `${name}.jpg`);
    const info = await sharp(c.bytes(), { raw: { width: W, height: H, channels: 3 } })
      .jpeg({ quality: 85, mozjpeg: true })
      .toFile(file);
    console.log(`${file}: ${info.width}×${info.height}, ${(info.size / 1024).toFixed(1)} KB`);
  }
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
