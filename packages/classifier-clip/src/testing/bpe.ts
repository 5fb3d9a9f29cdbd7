/**
 * A stand-in for OpenAI's CLIP merges file (bpe_simple_vocab_16e6.txt.gz, 1.3 MB, not in the repo) with the
 * same shape: a header and 48894 merges, so ids 0..49407 and the special tokens are where CLIP has them.
 * fixtures/bpe-subset.txt holds, at their real ranks, the merges the tests' texts can use
 * (tools/clip-reference/make-bpe-subset.ts): those texts tokenize exactly as with the real file. The other
 * ranks get merges of symbols for bytes that never occur in UTF-8 (0xC0, 0xC1, 0xF5..0xFF), so they never
 * apply to text; each pair's parts are tokens of lower rank, as in a real merges file.
 */
import { readFileSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

export const CLIP_MERGES = 48894;

const SUBSET = join(dirname(fileURLToPath(import.meta.url)), 'fixtures', 'bpe-subset.txt');
// bytes_to_unicode maps these bytes to themselves (they are printable Latin-1).
const NEVER_IN_UTF8 = [0xc0, 0xc1, ...Array.from({ length: 11 }, (_, i) => 0xf5 + i)].map((b) => String.fromCodePoint(b));

/** The merges file's text: header line, then CLIP_MERGES lines "a b". */
export function testMergesText(): string {
  const merges = new Array<string>(CLIP_MERGES);
  for (const line of readFileSync(SUBSET, 'utf8').split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const [rank, a, b] = line.split(' ');
    merges[Number(rank)] = `${a} ${b}`;
  }
  // Fillers in breadth-first order over strings of the never-used symbols: "prefix last", prefix made earlier.
  let level = NEVER_IN_UTF8;
  let next: string[] = [];
  let i = 0;
  for (let rank = 0; rank < CLIP_MERGES; rank++) {
    if (merges[rank] !== undefined) continue;
    if (i === level.length * NEVER_IN_UTF8.length) {
      level = next;
      next = [];
      i = 0;
    }
    const prefix = level[Math.floor(i / NEVER_IN_UTF8.length)];
    const last = NEVER_IN_UTF8[i % NEVER_IN_UTF8.length];
    merges[rank] = `${prefix} ${last}`;
    next.push(prefix + last);
    i++;
  }
  return ['"bpe_simple_vocab_16e6.txt#version: 0.2', ...merges, ''].join('\n');
}

/** Writes the stand-in merges file, gzipped like the real one; returns its path. */
export async function writeTestBpe(file: string): Promise<string> {
  await mkdir(dirname(file), { recursive: true });
  await writeFile(file, gzipSync(testMergesText()));
  return file;
}
