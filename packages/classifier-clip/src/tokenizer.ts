import { readFile } from 'node:fs/promises';
import { Tokenizer } from '@huggingface/tokenizers';
import { AcsegError } from '@acseg/core';

/**
 * CLIP's text tokenizer from the model folder's tokenizer.json, run by
 * @huggingface/tokenizers. Sequences are `<|startoftext|>` + tokens +
 * `<|endoftext|>`, truncated like OpenAI's `clip.tokenize(truncate=True)`
 * (keep the first context−1 ids, end with `<|endoftext|>`) and padded with 0.
 */
export class ClipTokenizer {
  private constructor(
    private readonly tok: Tokenizer,
    readonly sot: number,
    readonly eot: number,
  ) {}

  static async load(path: string): Promise<ClipTokenizer> {
    let json: unknown;
    let config: unknown = {};
    try {
      json = JSON.parse(await readFile(path, 'utf8'));
    } catch (e) {
      throw new AcsegError('BAD_MODEL', `${path}: cannot read the tokenizer (${(e as Error).message})`, { file: path, cause: e });
    }
    try {
      config = JSON.parse(await readFile(path.replace(/tokenizer\.json$/, 'tokenizer_config.json'), 'utf8'));
    } catch {
      // tokenizer_config.json is optional here: the special tokens are looked up by name.
    }
    let tok: Tokenizer;
    try {
      tok = new Tokenizer(json as object, config as object);
    } catch (e) {
      throw new AcsegError('BAD_MODEL', `${path}: not a valid tokenizer.json (${(e as Error).message})`, { file: path, cause: e });
    }
    const sot = tok.token_to_id('<|startoftext|>');
    const eot = tok.token_to_id('<|endoftext|>');
    if (sot === undefined || eot === undefined) {
      throw new AcsegError('BAD_MODEL', `${path}: the vocabulary has no <|startoftext|>/<|endoftext|> tokens; is this CLIP's tokenizer?`, { file: path });
    }
    return new ClipTokenizer(tok, sot, eot);
  }

  /** Token ids with the start and end markers, at most `context` long (not padded). */
  encode(text: string, context: number): number[] {
    const ids = this.tok.encode(text, { add_special_tokens: false }).ids.slice(0, context - 2);
    return [this.sot, ...ids, this.eot];
  }

  /**
   * A batch as model inputs: ids B × L (int64, 0-padded to the longest
   * sequence L ≤ context, or to `context` with `padToContext`) and the
   * one-hot position of each sequence's `<|endoftext|>` (B × L).
   */
  batch(texts: readonly string[], context: number, padToContext = false): { ids: BigInt64Array; eot: Float32Array; length: number } {
    const seqs = texts.map((t) => this.encode(t, context));
    const L = padToContext ? context : Math.max(1, ...seqs.map((s) => s.length));
    const ids = new BigInt64Array(texts.length * L);
    const eot = new Float32Array(texts.length * L);
    seqs.forEach((seq, b) => {
      seq.forEach((id, i) => {
        ids[b * L + i] = BigInt(id);
      });
      eot[b * L + seq.length - 1] = 1;
    });
    return { ids, eot, length: L };
  }
}
