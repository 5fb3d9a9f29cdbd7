import {
  AcsegError, imageId, imageSource, resolveMaxPixels, silentLogger, toAcsegError,
  type Backbone, type BackboneInfo, type FeatureMap, type FeatureResult, type ImageInput, type Logger, type RegionMap, type RgbImage,
} from '@acseg/core';
import { resolve } from 'node:path';
import { decodeImage, type DecodedImage } from './image/decode.js';
import { resizeNormalize } from './image/resize.js';
import { loadVitModel } from './loadModel.js';
import { VitSession, type ProviderChoice, type VitOutputs } from './onnx/session.js';
import { prepareRegionBatch } from './regionEmbed.js';

export interface DinoBackboneOptions {
  /** Path to a ViT .onnx file or a model folder. */
  model: string;
  /** Model identity for info.model (default: the file's metadata, or the model folder's name). */
  name?: string;
  /** Input side; default: the model's fixed input size, else 224. */
  inputSize?: number;
  /** Images per inference batch (default 8). */
  batchSize?: number;
  /** Pixel features: final-normed tokens (default), or the last block's keys (Deep Spectral Methods ablation). */
  features?: 'tokens' | 'keys';
  provider?: ProviderChoice;
  /** The acseg cache folder, where the model file's hash is remembered by path, size and times (default: hashed on every load). */
  hashCacheDir?: string;
  /** Largest image accepted, in pixels (default `$ACSEG_MAX_PIXELS`, else 64 MP); larger ones are refused from their header. */
  maxPixels?: number;
  log?: Logger;
}

interface Prepared {
  /** One entry per input of the batch: decoded, or the error. */
  items: Array<{ index: number; input: ImageInput; image?: DecodedImage; error?: AcsegError }>;
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
  ) {}

  static async load(opts: DinoBackboneOptions): Promise<DinoBackbone> {
    const log = opts.log ?? silentLogger;
    const maxPixels = resolveMaxPixels(opts.maxPixels);
    const model = await loadVitModel(opts.model, { hashCacheDir: opts.hashCacheDir });
    const size = opts.inputSize ?? model.fixedInputSize ?? 224;
    if (!Number.isInteger(size) || size < model.patchSize || size % model.patchSize !== 0) {
      throw new AcsegError('BAD_CONFIG', `inputSize ${size} is not a positive multiple of the patch size ${model.patchSize} of ${model.file}`, { file: model.file });
    }
    if (model.fixedInputSize && model.fixedInputSize !== size) {
      throw new AcsegError('BAD_CONFIG', `${model.file} takes ${model.fixedInputSize}×${model.fixedInputSize} inputs, not ${size}×${size}`, {
        file: model.file,
        hint: `use inputSize ${model.fixedInputSize}, or convert the weights for ${size} with \`acseg models convert --input-size ${size}\``,
      });
    }
    const features = opts.features ?? 'tokens';
    if (features === 'keys' && !model.keysOutput) {
      throw new AcsegError('BAD_CONFIG', `features "keys" needs the last block's keys, which ${model.file} does not output`, {
        file: model.file, hint: 'convert the safetensors weights with `acseg models convert` (its models output the keys)',
      });
    }
    let batchSize = opts.batchSize ?? 8;
    if (!Number.isInteger(batchSize) || batchSize < 1) throw new AcsegError('BAD_CONFIG', `batchSize must be a positive integer, got ${batchSize}`);
    // An export with a fixed batch dimension (often 1) runs only at that batch.
    if (model.fixedBatch !== undefined && batchSize !== model.fixedBatch) {
      if (opts.batchSize !== undefined) log.info(`backbone-dino: ${model.file} takes batches of exactly ${model.fixedBatch}; batchSize ${opts.batchSize} is not used`);
      batchSize = model.fixedBatch;
    }
    const session = await VitSession.create(model, opts.provider ?? 'auto', log);
    // Probe with a blank image: checks the graph really is a ViT of this size and reads the head count.
    const g = size / model.patchSize;
    let probe: VitOutputs;
    try {
      probe = await session.run(new Float32Array(3 * size * size), 1, size, { attention: true });
    } catch (e) {
      await session.dispose();
      const err = toAcsegError(e, 'BAD_MODEL', { file: model.file });
      throw new AcsegError('BAD_MODEL', `${err.message} (probing with a ${size}×${size} input)`, {
        file: model.file,
        cause: e,
        hint: model.layout === 'hub-onnx'
          ? 'Hub exports run only at the size they were exported for (224 for the DINO exports); for other sizes convert the safetensors weights with `acseg models convert --input-size N`'
          : err.hint,
      });
    }
    if (probe.tokens !== g * g + 1 || probe.dim !== model.dim) {
      await session.dispose();
      throw new AcsegError('BAD_MODEL', `${model.file}: output "${model.tokensOutput}" has ${probe.tokens}×${probe.dim} tokens for a ${size}×${size} input, expected ${g * g + 1}×${model.dim} (not a ViT?)`, { file: model.file });
    }
    const info: BackboneInfo = {
      model: opts.name ?? model.name, modelFile: resolve(model.file), modelSha256: model.sha256, patchSize: model.patchSize, inputSize: size, dim: model.dim, heads: probe.heads, hasAttention: true, runtime: session.runtime,
    };
    return new DinoBackbone(info, session, batchSize, features, maxPixels);
  }

  private async prepare(inputs: readonly ImageInput[], start: number): Promise<Prepared> {
    const S = this.info.inputSize;
    const items = await Promise.all(inputs.map(async (input, j) => {
      const index = start + j;
      try {
        return { index, input, image: await decodeImage(input, index, { patchSize: this.info.patchSize, shrinkTarget: S, maxPixels: this.maxPixels }) };
      } catch (e) {
        return { index, input, error: toAcsegError(e, 'BAD_IMAGE', { file: typeof input === 'string' ? input : undefined, message: imageSource(input, index) }) };
      }
    }));
    const ok = items.filter((it) => it.image);
    const pixels = new Float32Array(ok.length * 3 * S * S);
    ok.forEach((it, k) => resizeNormalize(it.image!, S, pixels, k * 3 * S * S));
    return { items, pixels, count: ok.length };
  }

  async *extract(images: readonly ImageInput[]): AsyncIterable<FeatureResult> {
    const B = this.batchSize;
    const S = this.info.inputSize;
    const starts: number[] = [];
    for (let s = 0; s < images.length; s += B) starts.push(s);
    const prep = (i: number) => this.prepare(images.slice(starts[i], starts[i] + B), starts[i]);
    let next: Promise<Prepared> | undefined = starts.length ? prep(0) : undefined;
    for (let i = 0; i < starts.length; i++) {
      const cur: Prepared = await next!;
      // Decode the next batch (libvips threads) while this one runs.
      next = i + 1 < starts.length ? prep(i + 1) : undefined;
      let out: VitOutputs | undefined;
      if (cur.count > 0) out = await this.session.run(cur.pixels, cur.count, S, { attention: true, keys: this.features === 'keys' });
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

  private featureMap(out: VitOutputs, b: number, image: DecodedImage): FeatureMap {
    const { dim: d, tokens: n1 } = out;
    const n = n1 - 1;
    const g = this.info.inputSize / this.info.patchSize;
    const hidden = out.hidden.subarray(b * n1 * d, (b + 1) * n1 * d);
    const src = this.features === 'keys' ? out.keys!.subarray(b * n1 * d, (b + 1) * n1 * d) : hidden;
    const heads = out.heads!;
    const att = new Float32Array(heads * n);
    for (let h = 0; h < heads; h++) {
      const row = ((b * heads + h) * n1) * n1; // attention[b, h, 0, :]
      att.set(out.attention!.subarray(row + 1, row + n1), h * n);
    }
    return {
      id: image.id,
      grid: { h: g, w: g },
      dim: d,
      tokens: src.slice(d),
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
      const d = await decodeImage(image, index, { patchSize: this.info.patchSize, maxPixels: this.maxPixels });
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
    const decoded = await decodeImage(image, 0, { patchSize: 1, maxPixels: this.maxPixels });
    const ids = which ?? Array.from({ length: regions.count }, (_, r) => r);
    const S = this.info.inputSize;
    const result: Float32Array[] = [];
    for (let s = 0; s < ids.length; s += this.batchSize) {
      const chunk = ids.slice(s, s + this.batchSize);
      const pixels = prepareRegionBatch(decoded, regions, chunk, S);
      const out = await this.session.run(pixels, chunk.length, S);
      for (let b = 0; b < chunk.length; b++) result.push(out.hidden.slice(b * out.tokens * out.dim, b * out.tokens * out.dim + out.dim));
    }
    return result;
  }

  async dispose(): Promise<void> {
    await this.session.dispose();
  }
}
