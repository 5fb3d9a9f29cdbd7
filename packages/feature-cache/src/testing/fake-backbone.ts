import { AcsegError, imageId, imageSource, type Backbone, type BackboneInfo, type FeatureMap, type FeatureResult, type ImageInput } from '@acseg/core';

/**
 * A deterministic in-memory backbone for testing the cache (the cache is what
 * is tested, not features): every value is a function of the image's source
 * path, so a test can recompute what any image must read back as.
 * A source containing "bad" yields a BAD_IMAGE failure.
 */
export interface FakeOptions {
  model?: string;
  dim?: number;
  heads?: number;
  grid?: { h: number; w: number };
  cls?: boolean;
  inputSize?: number;
  patchSize?: number;
}

function hash(s: string): number {
  let h = 2166136261;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 16777619);
  return h >>> 0;
}

/** Value `i` of tensor `t` (0 tokens, 1 cls, 2 attention) for a source. */
export function fakeValue(source: string, t: number, i: number): number {
  const h = hash(source);
  return Math.fround(Math.sin((h % 10007) * 0.013 + t * 7.1 + i * 0.37) * (1 + (h % 13)));
}

export function fakeFeatures(source: string, id: string, o: Required<FakeOptions>): FeatureMap {
  const n = o.grid.h * o.grid.w;
  const fill = (len: number, t: number) => Float32Array.from({ length: len }, (_, i) => fakeValue(source, t, i));
  const h = hash(source);
  const f: FeatureMap = {
    id,
    source,
    grid: { ...o.grid },
    dim: o.dim,
    tokens: fill(n * o.dim, 0),
    imageSize: { width: 50 + (h % 300), height: 40 + ((h >>> 9) % 200) },
  };
  if (o.cls) f.cls = fill(o.dim, 1);
  if (o.heads > 0) f.attention = { heads: o.heads, data: fill(o.heads * n, 2) };
  return f;
}

export class FakeBackbone implements Backbone {
  readonly name = 'fake';
  readonly info: BackboneInfo;
  readonly opts: Required<FakeOptions>;
  /** Results yielded so far (all calls). */
  yielded = 0;
  /** Images asked for per extract() call. */
  readonly calls: number[] = [];
  /** Called (and awaited) before each result is yielded with the count yielded so far. */
  onYield?: (yielded: number) => void | Promise<void>;
  /** Throw a plain Error (a crash, not a bad image) before this result number. */
  crashAt = -1;

  constructor(o: FakeOptions = {}) {
    this.opts = {
      model: o.model ?? 'fake-vit',
      dim: o.dim ?? 6,
      heads: o.heads ?? 2,
      grid: o.grid ?? { h: 2, w: 3 },
      cls: o.cls ?? true,
      inputSize: o.inputSize ?? 48,
      patchSize: o.patchSize ?? 16,
    };
    const p = this.opts;
    this.info = {
      model: p.model,
      patchSize: p.patchSize,
      inputSize: p.inputSize,
      dim: p.dim,
      heads: p.heads || undefined,
      hasAttention: p.heads > 0,
      runtime: 'fake',
    };
  }

  async *extract(images: readonly ImageInput[]): AsyncIterable<FeatureResult> {
    this.calls.push(images.length);
    for (let i = 0; i < images.length; i++) {
      if (this.yielded === this.crashAt) throw new Error('fake backbone crashed');
      await this.onYield?.(this.yielded);
      const source = imageSource(images[i], i);
      const id = imageId(images[i], i);
      await Promise.resolve();
      this.yielded++;
      if (source.includes('bad')) {
        yield { ok: false, id, source, error: new AcsegError('BAD_IMAGE', `${source}: not a decodable image (fake)`, { file: source }) };
      } else {
        yield { ok: true, features: fakeFeatures(source, id, this.opts) };
      }
    }
  }
}
