/**
 * Writes packages/classifier-clip/src/testing/fixtures/bpe-subset.txt: the lines of OpenAI's CLIP merges file
 * (bpe_simple_vocab_16e6.txt.gz, 1.3 MB, not in the repo) that the tests' texts can use, each with its rank.
 *
 *   npx tsx tools/clip-reference/make-bpe-subset.ts path/to/bpe_simple_vocab_16e6.txt.gz
 *
 * Kept: every merge whose result occurs inside one of the texts' words (byte-level symbols, `</w>` at the end).
 * Every merge BPE applies to such a word is one of them, and greedy BPE with any such superset of the applied
 * merges, at their original ranks, picks the same pair at each step: those words tokenize exactly as with the
 * full file. src/testing/bpe.ts fills the other ranks with merges no valid UTF-8 text can use.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { TEMPLATE_SETS, fillTemplate } from '../../packages/classifier-clip/src/templates.js';
import { CLIP_PRETOKENIZE_REGEX, bytesToUnicode } from '../../packages/classifier-clip/src/testing/tokenizer-json.js';

const bpePath = process.argv[2];
if (!bpePath) {
  console.error('usage: npx tsx tools/clip-reference/make-bpe-subset.ts <bpe_simple_vocab_16e6.txt.gz>');
  process.exit(2);
}
const root = join(import.meta.dirname, '..', '..');
const out = join(root, 'packages/classifier-clip/src/testing/fixtures/bpe-subset.txt');
const reference = JSON.parse(readFileSync(join(root, 'packages/classifier-clip/src/testing/fixtures/clip-reference.json'), 'utf8')) as {
  prompts: string[];
  classes: string[];
  templates: string[];
};

// The class lists tests and examples prompt with (VOC, CamVid, the reference's, a few test words).
const classes = [
  'background',
  'aeroplane',
  'bicycle',
  'bird',
  'boat',
  'bottle',
  'bus',
  'car',
  'cat',
  'chair',
  'cow',
  'diningtable',
  'dog',
  'horse',
  'motorbike',
  'person',
  'pottedplant',
  'sheep',
  'sofa',
  'train',
  'tvmonitor',
  'Sky',
  'Building',
  'Pole',
  'Road',
  'Pavement',
  'Tree',
  'SignSymbol',
  'Fence',
  'Car',
  'Pedestrian',
  'Bicyclist',
  ...reference.classes,
];
const templates = [...new Set([...Object.values(TEMPLATE_SETS).flat(), ...reference.templates])];
const texts = [...reference.prompts, ...templates.flatMap((t) => classes.map((c) => fillTemplate(t, c)))];

// Byte → symbol as CLIP's bytes_to_unicode maps it.
const byteSymbol: string[] = [];
{
  const printable = (b: number): boolean => (b >= 0x21 && b <= 0x7e) || (b >= 0xa1 && b <= 0xac) || (b >= 0xae && b <= 0xff);
  let n = 0;
  for (let b = 0; b < 256; b++) byteSymbol[b] = printable(b) ? String.fromCodePoint(b) : String.fromCodePoint(256 + n++);
  if (new Set(byteSymbol).size !== 256 || !bytesToUnicode().every((s) => byteSymbol.includes(s))) throw new Error('byte map differs from tokenizer-json.ts');
}
const pretokenize = new RegExp(CLIP_PRETOKENIZE_REGEX, 'gu');
const words = new Set<string>();
for (const text of texts) {
  const normal = text.normalize('NFC').replace(/\s+/g, ' ').toLowerCase();
  for (const m of normal.matchAll(pretokenize)) {
    words.add([...new TextEncoder().encode(m[0])].map((b) => byteSymbol[b]).join('') + '</w>');
  }
}

const lines = gunzipSync(readFileSync(bpePath)).toString('utf8').split('\n');
const merges = lines.slice(1, 48894 + 1);
if (merges.length !== 48894) throw new Error(`${bpePath}: expected at least 48894 merge lines, found ${merges.length}`);
const kept: string[] = [];
merges.forEach((m, rank) => {
  const result = m.split(' ').join('');
  for (const w of words) {
    if (w.includes(result)) {
      kept.push(`${rank} ${m}`);
      break;
    }
  }
});
writeFileSync(
  out,
  [
    `# ${kept.length} of CLIP's 48894 merges (rank, then the pair), made by tools/clip-reference/make-bpe-subset.ts from ${lines[0].replace(/^"|#.*$/g, '')}`,
    ...kept,
    '',
  ].join('\n'),
);
console.log(`${out}: ${kept.length} merges for ${words.size} words`);
