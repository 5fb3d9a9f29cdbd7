import {
  AcsegError,
  imageId,
  imageSource,
  resolveMaxPixels,
  silentLogger,
  toAcsegError,
  type Backbone,
  type BackboneInfo,
  type FeatureMap,
  type FeatureResult,
  type ImageDecoder,
  type ImageInput,
  type Logger,
  type RegionMap,
  type RgbImage,
  type SessionFactory,
} from '@acseg/core';
import { createImageDecoder } from '@acseg/image-io';
import { resolve } from 'node:path';
import { decodeImage, type DecodedImage } from './image/decode.js';
import { mapBounded } from './image/map-bounded.js';
import { ResizePool } from './image/resize-pool.js';
import { loadVitModel } from './load-model.js';
import { VitSession, type ProviderChoice, type VitOutputs } from './onnx/session.js';
import { inputShape, type InputShape } from './onnx/build-vit.js';
import { prepareRegionBatch } from './region-embed.js';

export interface DinoBackboneOptions {
  /** Path to a ViT .onnx file or a model folder. */
  model: string;
  /** Model identity for info.model (default: the file's metadata, or the model folder's name). */
  name?: string;
  /** Input side (S×S) or height × width, multiples of the patch size; default: the model's fixed input size, else 224 (paper §4.1). */
  inputSize?: number | InputShape;
  /** Images per inference batch (default 8). */
  batchSize?: number;
  /** Pixel features: final-normed tokens (default), or the last block's keys (Deep Spectral Methods ablation). */
  features?: 'tokens' | 'keys';
  /** Execution device for this backbone (default: the run's, `sessions.device`, else auto: CUDA when it loads). */
  provider?: ProviderChoice;
  /** The run's session factory (default: one of the backbone's own). */
  sessions?: SessionFactory;
  /** The acseg cache folder, where the model file's hash is remembered by path, size and times (default: hashed on every load). */
  hashCacheDir?: string;
  /** Largest image accepted, in pixels (default `$ACSEG_MAX_PIXELS`, else 64 MP); larger ones are refused from their header. */
  maxPixels?: number;
  /** The run's image decoder (`services.images`); default: @acseg/image-io's. */
  images?: ImageDecoder;
  /** Worker threads resizing images while the ViT runs (default: one less than the cores, one or two; 0: the calling thread). */
  resizeWorkers?: number;
  log?: Logger;
}

/** One input of a batch: what its feature map names (decoded), or the error. */
interface BatchItem {
  index: number;
  input: ImageInput;
  image?: DecodedImage;
  error?: AcsegError;
}

/**
 * Full-size pixels a batch may decode at once (at least one image): 8 CamVid frames or VOC photos (0.5 MB each), two
 * 12 MP photos (36 MB each).
 */
const DECODE_AHEAD_BYTES = 80 * 2 ** 20;

interface Prepared {
  items: Array<Omit<BatchItem, 'image'> & { image?: Omit<DecodedImage, 'data'> }>;
  pixels: Float32Array;
  count: number;
}

/** DINO ViT on onnxruntime: patch tokens, CLS, last-layer CLS attention, region embeddings. */
export class DinoBackbone implements Backbone {
  readonly name = 'dino';
  /** Region embeddings run the ViT on crops of the image. */
  readonly regionEmbeddingsReadPixels = true;
  private constructor(
    readonly info: BackboneInfo,
    private readonly session: VitSession,
    private readonly batchSize: number,
    private readonly features: 'tokens' | 'keys',
    private readonly maxPixels: number,
    private readonly images: ImageDecoder,
    private readonly resizeWorkers?: number,
  ) {}

  /** Started on the first batch. */
  private resizer?: ResizePool;
  /** Bytes of the largest image decoded so far (full size, before any shrink): sets how many decode at once. */
  private largestDecoded = 0;

  /** The export's fixed batch, when it has one (a short batch is padded with blank images). */
  get fixedBatch(): number | undefined {
    return this.session.maxBatch === Infinity ? undefined : this.session.maxBatch;
  }

  static async load(opts: DinoBackboneOptions): Promise<DinoBackbone> {
    const log = opts.log ?? silentLogger;
    const maxPixels = resolveMaxPixels(opts.maxPixels);
    const model = await loadVitModel(opts.model, { hashCacheDir: opts.hashCacheDir });
    const name = opts.name ?? model.name;
    const p = model.patchSize;
    const shape = opts.inputSize !== undefined ? inputShape(opts.inputSize) : (model.fixedInputShape ?? { height: 224, width: 224 });
    const { height: H, width: W } = shape;
    const sizeText = `${H}×${W}`;
    if (![H, W].every((v) => Number.isInteger(v) && v >= p && v % p === 0)) {
      const round = (v: number) => Math.max(p, Math.round(v / p) * p);
      throw new AcsegError('BAD_CONFIG', `${name}: input size ${sizeText} is not a multiple of its patch size ${p}`, {
        file: model.file,
        hint: `use ${round(H)}×${round(W)} (--image-size ${H === W ? round(H) : `${round(H)}x${round(W)}`})`,
      });
    }
    const fixed = model.fixedInputShape;
    if (fixed && (fixed.height !== H || fixed.width !== W)) {
      throw new AcsegError('BAD_CONFIG', `${model.file} takes ${fixed.height}×${fixed.width} inputs, not ${sizeText}`, {
        file: model.file,
        hint: `use inputSize ${fixed.height === fixed.width ? fixed.height : `${fixed.height}x${fixed.width}`}, or convert the weights for ${sizeText} with \`acseg models convert --input-size ${H === W ? H : `${H}x${W}`}\``,
      });
    }
    const features = opts.features ?? 'tokens';
    if (features === 'keys' && !model.keysOutput) {
      throw new AcsegError('BAD_CONFIG', `features "keys" needs the last block's keys, which ${model.file} does not output`, {
        file: model.file,
        hint: 'convert the safetensors weights with `acseg models convert` (its models output the keys)',
      });
    }
    let batchSize = opts.batchSize ?? 8;
    if (!Number.isInteger(batchSize) || batchSize < 1) throw new AcsegError('BAD_CONFIG', `batchSize must be a positive integer, got ${batchSize}`);
    // An export with a fixed batch dimension (often 1) runs only at that batch.
    if (model.fixedBatch !== undefined && batchSize !== model.fixedBatch) {
      if (opts.batchSize !== undefined)
        log.info(`backbone-dino: ${model.file} takes batches of exactly ${model.fixedBatch}; batchSize ${opts.batchSize} is not used`);
      batchSize = model.fixedBatch;
    }
    const session = await VitSession.create(model, opts.provider, log, opts.sessions);
    // Probe with a blank image: checks the graph really is a ViT of this size and reads the head count.
    const gh = H / p;
    const gw = W / p;
    const R = model.registers;
    let probe: VitOutputs;
    try {
      probe = await session.run(new Float32Array(3 * H * W), 1, shape, { attention: true });
    } catch (e) {
      await session.dispose();
      const err = toAcsegError(e, 'BAD_MODEL', { file: model.file });
      throw new AcsegError('BAD_MODEL', `${err.message} (probing with a ${sizeText} input)`, {
        file: model.file,
        cause: e,
        hint:
          model.layout === 'hub-onnx'
            ? 'this export runs only at the size it was exported for (224 for the DINO exports); for other sizes convert the safetensors weights with `acseg models convert --input-size N`'
            : err.hint,
      });
    }
    if (probe.dim !== model.dim) {
      await session.dispose();
      throw new AcsegError(
        'BAD_MODEL',
        `${model.file}: output "${model.tokensOutput}" has width ${probe.dim}, expected ${model.dim} (the patch embedding's) (not a ViT?)`,
        { file: model.file },
      );
    }
    if (probe.tokens !== 1 + R + gh * gw) {
      await session.dispose();
      throw layoutError(name, model.file, probe.tokens, R, gh, gw, model.tokensOutput);
    }
    const info: BackboneInfo = {
      model: name,
      modelFile: resolve(model.file),
      modelSha256: model.sha256,
      patchSize: p,
      inputSize: Math.min(H, W),
      inputHeight: H,
      inputWidth: W,
      dim: model.dim,
      heads: probe.heads,
      hasAttention: true,
      runtime: session.runtime,
      ...(model.family ? { family: model.family } : {}),
      registers: R,
    };
    return new DinoBackbone(info, session, batchSize, features, maxPixels, opts.images ?? createImageDecoder(), opts.resizeWorkers);
  }

  private get shape(): InputShape {
    return { height: this.info.inputHeight!, width: this.info.inputWidth! };
  }

  /**
   * A batch's inputs decoded (sharp, on libvips' threads), each with its image or its error. A batch of frames
   * decodes at once; of large photos only as many at a time as fit in DECODE_AHEAD_BYTES (sized from the largest image
   * this backbone has decoded so far): each holds its full-size pixels until shrunk, and eight 12 MP photos decoding
   * together were ~290 MB.
   */
  private decodeBatch(inputs: readonly ImageInput[], start: number): Promise<BatchItem[]> {
    const { height: H, width: W } = this.shape;
    const one = async (input: ImageInput, j: number): Promise<BatchItem> => {
      const index = start + j;
      try {
        const image = await decodeImage(input, index, {
          patchSize: this.info.patchSize,
          shrinkTarget: Math.max(H, W),
          maxPixels: this.maxPixels,
          decoder: this.images,
        });
        this.largestDecoded = Math.max(this.largestDecoded, 3 * image.original.width * image.original.height);
        return { index, input, image };
      } catch (e) {
        return {
          index,
          input,
          error: toAcsegError(e, 'BAD_IMAGE', { file: typeof input === 'string' ? input : undefined, message: imageSource(input, index) }),
        };
      }
    };
    // The run's first image decodes alone: until then nothing says how large they are.
    return mapBounded(inputs, one, () => (this.largestDecoded === 0 ? 1 : Math.floor(DECODE_AHEAD_BYTES / this.largestDecoded)));
  }

  /**
   * A decoded batch resized and normalized into one input tensor. The resizes are handed to the pool's workers at
   * once (before the caller blocks in the ViT's `run`); the decoded pixels are not kept.
   */
  private resizeBatch(items: readonly BatchItem[]): Promise<Prepared> {
    const { height: H, width: W } = this.shape;
    const resizer = (this.resizer ??= new ResizePool(this.resizeWorkers));
    const jobs = items.map((it) =>
      it.image
        ? resizer.resize(it.image, H, W).catch((e: unknown) => {
            it.error = toAcsegError(e, 'BAD_IMAGE', { file: typeof it.input === 'string' ? it.input : undefined, message: it.image!.source });
            return undefined;
          })
        : Promise.resolve(undefined),
    );
    return Promise.all(jobs).then((resized) => {
      const ok = resized.filter((p): p is Float32Array => p !== undefined);
      const pixels = new Float32Array(ok.length * 3 * H * W);
      ok.forEach((p, k) => pixels.set(p, k * 3 * H * W));
      const out = items.map(({ image, ...rest }, j) =>
        image && resized[j]
          ? { ...rest, image: { id: image.id, source: image.source, width: image.width, height: image.height, original: image.original } }
          : rest,
      );
      return { items: out, pixels, count: ok.length };
    });
  }

  async *extract(images: readonly ImageInput[]): AsyncIterable<FeatureResult> {
    const B = this.batchSize;
    const starts: number[] = [];
    for (let s = 0; s < images.length; s += B) starts.push(s);
    const decode = (i: number) => (i < starts.length ? this.decodeBatch(images.slice(starts[i], starts[i] + B), starts[i]) : undefined);
    // Two stages ahead of the ViT: batch i + 1 is resized on worker threads and batch i + 2 decoded on libvips'
    // threads while batch i runs (onnxruntime-node's `run` holds the JavaScript thread: anything left for this
    // thread would wait for it).
    let decoding = [decode(0), decode(1)];
    let next: Promise<Prepared> | undefined = decoding[0]?.then((items) => this.resizeBatch(items));
    for (let i = 0; i < starts.length; i++) {
      const cur: Prepared = await next!;
      const following = decoding[1];
      next = following ? this.resizeBatch(await following) : undefined;
      decoding = [following, decode(i + 2)];
      let out: VitOutputs | undefined;
      if (cur.count > 0) out = await this.session.run(cur.pixels, cur.count, this.shape, { attention: true, keys: this.features === 'keys' });
      let k = 0;
      for (const it of cur.items) {
        if (!it.image) {
          yield { ok: false, id: imageId(it.input, it.index), source: imageSource(it.input, it.index), error: it.error! };
          continue;
        }
        yield { ok: true, features: this.featureMap(out!, k++, it.image) };
      }
    }
  }

  private featureMap(out: VitOutputs, b: number, image: Omit<DecodedImage, 'data'>): FeatureMap {
    const { dim: d, tokens: n1 } = out;
    // Token layout [CLS, R registers, patches]: registers are dropped, and the
    // CLS→patch attention is attn[h, 0, 1+R:] (patches only, as the paper's background step needs).
    const skip = 1 + (this.info.registers ?? 0);
    const n = n1 - skip;
    const p = this.info.patchSize;
    const hidden = out.hidden.subarray(b * n1 * d, (b + 1) * n1 * d);
    const src = this.features === 'keys' ? out.keys!.subarray(b * n1 * d, (b + 1) * n1 * d) : hidden;
    const heads = out.heads!;
    const att = new Float32Array(heads * n);
    for (let h = 0; h < heads; h++) {
      const row = (b * heads + h) * n1 * n1; // attention[b, h, 0, :]
      att.set(out.attention!.subarray(row + skip, row + n1), h * n);
    }
    return {
      id: image.id,
      grid: { h: this.info.inputHeight! / p, w: this.info.inputWidth! / p },
      dim: d,
      tokens: src.slice(skip * d),
      cls: hidden.slice(0, d),
      attention: { heads, data: att },
      imageSize: image.original,
      source: image.source,
    };
  }

  /**
   * The full-size decode that `extract` (shrunk for huge images, as from the file), `regionEmbeddings` and the
   * outputs share; refused as `extract` refuses (pixel limit, smaller than a patch), naming the file.
   */
  async decode(image: ImageInput, index: number): Promise<RgbImage> {
    try {
      const d = await decodeImage(image, index, { patchSize: this.info.patchSize, maxPixels: this.maxPixels, decoder: this.images });
      return { width: d.width, height: d.height, data: d.data, id: d.id, source: d.source };
    } catch (e) {
      throw toAcsegError(e, 'BAD_IMAGE', { file: typeof image === 'string' ? image : undefined, message: imageSource(image, index) });
    }
  }

  /**
   * Paper §4.1: for each region (all, or `which`), crop its bounding box from
   * the original image, resize to inputSize², normalize, zero the pixels
   * outside the region, run the ViT and take the final-normed CLS token.
   */
  async regionEmbeddings(image: ImageInput, regions: RegionMap, which?: readonly number[]): Promise<Float32Array[]> {
    const decoded = await decodeImage(image, 0, { patchSize: 1, maxPixels: this.maxPixels, decoder: this.images });
    const ids = which ?? Array.from({ length: regions.count }, (_, r) => r);
    const result: Float32Array[] = [];
    for (let s = 0; s < ids.length; s += this.batchSize) {
      const chunk = ids.slice(s, s + this.batchSize);
      const pixels = prepareRegionBatch(decoded, regions, chunk, this.shape);
      const out = await this.session.run(pixels, chunk.length, this.shape);
      for (let b = 0; b < chunk.length; b++) result.push(out.hidden.slice(b * out.tokens * out.dim, b * out.tokens * out.dim + out.dim));
    }
    return result;
  }

  async dispose(): Promise<void> {
    await this.resizer?.dispose();
    this.resizer = undefined;
    await this.session.dispose();
  }
}

/** One line for a token count that no [CLS, registers, patches] layout explains, naming the model. */
function layoutError(name: string, file: string, tokens: number, registers: number, gh: number, gw: number, output: string): AcsegError {
  const n = gh * gw;
  const extra = tokens - 1 - n;
  return new AcsegError(
    'BAD_MODEL',
    `${name}: output "${output}" has ${tokens} tokens for a ${gh}×${gw} patch grid, which matches no known layout (1 CLS + ${registers} register tokens + ${n} patches = ${1 + registers + n})`,
    {
      file,
      hint:
        extra > 0 && extra !== registers
          ? `the model seems to carry ${extra} register tokens: declare them as "num_register_tokens": ${extra} in the config.json beside the model (DINOv2 with registers and DINOv3 have 4)`
          : 'not a ViT with one CLS token, registers and one token per patch?',
    },
  );
}
