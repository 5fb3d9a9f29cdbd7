/**
 * Builds a Hugging Face tokenizer.json for CLIP from OpenAI's BPE merges file
 * (bpe_simple_vocab_16e6.txt.gz), the way CLIP's tokenizer defines it:
 * vocabulary = the 256 byte symbols (bytes-to-unicode order), the same with
 * `</w>`, one token per merge (first 48894 merge lines), then
 * `<|startoftext|>` (49406) and `<|endoftext|>` (49407). Normalization
 * (NFC, whitespace runs → one space, lower case) and the pre-tokenizer regex
 * follow transformers' CLIPTokenizerFast export.
 */
import { readFile } from 'node:fs/promises';
import { gunzipSync } from 'node:zlib';

export function bytesToUnicode(): string[] {
  const bs: number[] = [];
  for (let b = 0x21; b <= 0x7e; b++) bs.push(b);
  for (let b = 0xa1; b <= 0xac; b++) bs.push(b);
  for (let b = 0xae; b <= 0xff; b++) bs.push(b);
  const cs = [...bs];
  let n = 0;
  for (let b = 0; b < 256; b++) {
    if (!bs.includes(b)) {
      bs.push(b);
      cs.push(256 + n);
      n++;
    }
  }
  // In insertion order (printable bytes first), as CLIP's vocabulary lists them.
  return cs.map((c) => String.fromCodePoint(c));
}

export const CLIP_PRETOKENIZE_REGEX = "<\\|startoftext\\|>|<\\|endoftext\\|>|'s|'t|'re|'ve|'m|'ll|'d|[\\p{L}]+|[\\p{N}]|[^\\s\\p{L}\\p{N}]+";

export async function buildClipTokenizerJson(bpeGzPath: string): Promise<Record<string, unknown>> {
  return clipTokenizerJson(gunzipSync(await readFile(bpeGzPath)).toString('utf8'));
}

/** The same from the merges file's text (a header line, then one merge per line). */
export function clipTokenizerJson(text: string): Record<string, unknown> {
  const merges = text.split('\n').slice(1, 49152 - 256 - 2 + 1);
  const symbols = bytesToUnicode();
  const tokens = [...symbols, ...symbols.map((s) => `${s}</w>`), ...merges.map((m) => m.split(' ').join(''))];
  const vocab: Record<string, number> = {};
  tokens.forEach((t, i) => {
    vocab[t] = i;
  });
  const sot = tokens.length;
  const eot = tokens.length + 1;
  vocab['<|startoftext|>'] = sot;
  vocab['<|endoftext|>'] = eot;
  const special = (id: number, content: string): Record<string, unknown> => ({
    id,
    content,
    single_word: false,
    lstrip: false,
    rstrip: false,
    normalized: true,
    special: true,
  });
  return {
    version: '1.0',
    truncation: null,
    padding: null,
    added_tokens: [special(sot, '<|startoftext|>'), special(eot, '<|endoftext|>')],
    normalizer: { type: 'Sequence', normalizers: [{ type: 'NFC' }, { type: 'Replace', pattern: { Regex: '\\s+' }, content: ' ' }, { type: 'Lowercase' }] },
    pre_tokenizer: {
      type: 'Sequence',
      pretokenizers: [
        { type: 'Split', pattern: { Regex: CLIP_PRETOKENIZE_REGEX }, behavior: 'Removed', invert: true },
        { type: 'ByteLevel', add_prefix_space: false, trim_offsets: true, use_regex: false },
      ],
    },
    post_processor: { type: 'RobertaProcessing', sep: ['<|endoftext|>', eot], cls: ['<|startoftext|>', sot], trim_offsets: false, add_prefix_space: false },
    decoder: { type: 'ByteLevel', add_prefix_space: true, trim_offsets: true, use_regex: true },
    model: {
      type: 'BPE',
      dropout: null,
      unk_token: '<|endoftext|>',
      continuing_subword_prefix: '',
      end_of_word_suffix: '</w>',
      fuse_unk: false,
      byte_fallback: false,
      vocab,
      merges,
    },
  };
}
