import { scratch } from './scratch.js';

/**
 * A zlib stream (RFC 1950) of `data` whose deflate blocks (RFC 1951) hold literals only, each block with Huffman codes
 * fitted to its own bytes: what zlib's `Z_HUFFMAN_ONLY` strategy writes, for the filtered rows of a photo-like overlay
 * where matches are rare. Written here because zlib's coder spends ~5.5 ns a byte (it stores each literal, then
 * reads it back to send it); this one sends each byte with a table lookup and no branch: 1.55 against 2.73 ms for a
 * CamVid overlay, files 0.9–1.9 % larger (`bench/overlay-deflate.ts`).
 *
 * The result is a view of a buffer this thread reuses: valid until the next call, so copy it before any await.
 */
export function deflateHuffmanOnly(data: Uint8Array): Uint8Array {
  const blocks = Math.max(1, Math.ceil(data.length / BLOCK));
  // Room for 6 bits a byte, a block header each (< 140 bytes), the zlib header and trailer: a photo's filtered rows
  // take ~3.2 bits a byte. Less compressible data grows the buffer; room for the worst case (15 bits a byte) would be
  // 72 MB for the 36 MB of a 12 MP overlay's rows.
  let bytes = scratch('huffman', Math.ceil(0.75 * data.length) + blocks * 160 + 16);
  // zlib header 0x78 0x01: deflate, 32 KiB window, no dictionary.
  bytes[0] = 0x78;
  bytes[1] = 0x01;
  let at = 2;
  const s: Writer = { w: 0, bits: 0, n: 0 };
  let a = 1;
  let b = 0;
  for (let k = 0; k < blocks; k++) {
    const start = k * BLOCK;
    const end = Math.min(data.length, start + BLOCK);
    // The block is copied into this module's own buffers first: loops over a typed array that TurboFan knows as a
    // constant (a module's `const`) run about twice as fast as over one passed in, whose address and length it reloads.
    IN.set(data.subarray(start, end));
    const n = end - start;
    // The Adler-32 of the data (RFC 1950) is summed block by block.
    SUMS[0] = a;
    SUMS[1] = b;
    countAndSum(n);
    a = SUMS[0];
    b = SUMS[1];
    codeLengths(FREQ, MAX_BITS, LENGTHS);
    // Each table entry: the code, bit-reversed (deflate sends codes from their highest bit), and its length above it.
    canonicalCodes(LENGTHS, CODES);
    for (let v = 0; v < LITERALS; v++) CODES[v] |= LENGTHS[v] << 16;
    s.w = 0;
    blockHeader(s, k === blocks - 1, LENGTHS);
    sendLiterals(s, n);
    put(s, CODES[END_OF_BLOCK] & 0xffff, CODES[END_OF_BLOCK] >>> 16);
    // Big-endian machines store each word's high byte first: swapped into deflate's order.
    if (!LITTLE_ENDIAN) for (let i = 0; i < s.w; i++) OUT[i] = (OUT[i] >>> 8) | ((OUT[i] & 0xff) << 8);
    // This block, and room for the last bits and the Adler-32 after it.
    if (at + 2 * s.w + 8 > bytes.length) bytes = grown(bytes, at, at + 2 * s.w + 8);
    bytes.set(OUT_BYTES.subarray(0, 2 * s.w), at);
    at += 2 * s.w;
  }
  // The last bits, padded to a byte, then the Adler-32 of the data, highest byte first.
  for (let { bits, n } = s; n > 0; n -= 8, bits >>>= 8) bytes[at++] = bits & 0xff;
  bytes[at++] = b >>> 8;
  bytes[at++] = b & 0xff;
  bytes[at++] = a >>> 8;
  bytes[at++] = a & 0xff;
  return bytes.subarray(0, at);
}

/** A larger buffer holding `bytes[0..at)`: twice the size, or `need` if more. */
function grown(bytes: Uint8Array, at: number, need: number): Uint8Array {
  const larger = new Uint8Array(Math.max(need, 2 * bytes.length));
  larger.set(bytes.subarray(0, at));
  return larger;
}

/**
 * Bytes a block codes. zlib's blocks hold ~32 K symbols (memLevel 9): 32 KiB here gave files 0.7–0.8 % over zlib's,
 * 64 KiB 0.9–1.9 % (fewer codes fitted) but ~6 % faster (half the code building); `bench/overlay-deflate.ts`.
 */
const BLOCK = 65536;
const LITERALS = 257;
const END_OF_BLOCK = 256;
const MAX_BITS = 15;
const LITTLE_ENDIAN = new Uint8Array(Uint16Array.of(1).buffer)[0] === 1;
/** The order in which a dynamic block lists its code-length code's lengths (RFC 1951 §3.2.7). */
const CODE_LENGTH_ORDER = [16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15];

/** One block's bytes, and its code in 16-bit words (at most 15 bits a byte, and the header). */
const IN = new Uint8Array(BLOCK);
const OUT = new Uint16Array(BLOCK + 1024);
const OUT_BYTES = new Uint8Array(OUT.buffer);
const FREQ = new Uint32Array(LITERALS);
/** Four counts per byte value, so that runs of one value do not wait on one counter. */
const COUNTS = new Uint32Array(4 * 256);
const LENGTHS = new Uint8Array(LITERALS);
const CODES = new Uint32Array(LITERALS);
const SUMS = new Int32Array(2);

/** The writer: `n` < 16 pending bits in `bits`, lowest first; whole 16-bit words go to OUT[w]. */
interface Writer {
  w: number;
  bits: number;
  n: number;
}

/** Sends the `count` (≤ 16) low bits of `value`, lowest first. */
function put(s: Writer, value: number, count: number): void {
  s.bits |= value << s.n;
  s.n += count;
  if (s.n >= 16) {
    OUT[s.w++] = s.bits;
    s.bits >>>= 16;
    s.n -= 16;
  }
}

/**
 * Counts of each byte of IN[0..n) into FREQ (with one end of block), and the Adler-32 sums (SUMS) carried over them,
 * in one pass: four counters per byte value, so that a run of one value does not wait on one counter, and the sums
 * four bytes a step. They are reduced every 3 800 bytes, where zlib waits 5 552: V8 keeps integers below 2^31 in
 * registers, and the second sum stays under it over 3 800 bytes of 255.
 */
function countAndSum(n: number): void {
  COUNTS.fill(0);
  let a = SUMS[0];
  let b = SUMS[1];
  let i = 0;
  while (i < n) {
    const end = Math.min(n, i + 3800);
    for (const whole = i + ((end - i) & ~3); i < whole; i += 4) {
      const x0 = IN[i];
      const x1 = IN[i + 1];
      const x2 = IN[i + 2];
      const x3 = IN[i + 3];
      COUNTS[x0]++;
      COUNTS[256 + x1]++;
      COUNTS[512 + x2]++;
      COUNTS[768 + x3]++;
      b += 4 * a + 4 * x0 + 3 * x1 + 2 * x2 + x3;
      a += x0 + x1 + x2 + x3;
    }
    for (; i < end; i++) {
      COUNTS[IN[i]]++;
      a += IN[i];
      b += a;
    }
    a %= 65521;
    b %= 65521;
  }
  SUMS[0] = a;
  SUMS[1] = b;
  for (let v = 0; v < 256; v++) FREQ[v] = COUNTS[v] + COUNTS[256 + v] + COUNTS[512 + v] + COUNTS[768 + v];
  FREQ[END_OF_BLOCK] = 1;
}

/** Sends IN[0..n) by CODES (each entry: the reversed code, its length above bit 16). */
function sendLiterals(s: Writer, n: number): void {
  // Small integers in locals (`| 0`): V8 keeps them in registers; `bits` stays under 2^31, so `>>` is `>>>`.
  let bits = s.bits | 0;
  let pending = s.n | 0;
  let w = s.w | 0;
  for (let i = 0; i < n; i++) {
    const c = CODES[IN[i]];
    bits |= (c & 0xffff) << pending;
    pending += c >> 16;
    // Always store the low word; keep it (advance) only when 16 bits are complete: no branch to mispredict.
    OUT[w] = bits;
    const full = pending >> 4;
    w += full;
    bits >>= full << 4;
    pending &= 15;
  }
  s.bits = bits;
  s.n = pending;
  s.w = w;
}

/**
 * A dynamic block's header: 257 literal/length codes (the literals and the end of block), two distance codes of one
 * bit that are never used (zlib writes the same: some decoders refuse a block without distance codes), and the code
 * lengths themselves each in 4 bits (the code-length code gives lengths 0–15 four bits each: a complete code, ~130
 * bytes a block, where run-length coding them would save ~100).
 */
function blockHeader(s: Writer, last: boolean, lengths: Uint8Array): void {
  put(s, last ? 1 : 0, 1);
  put(s, 2, 2); // dynamic Huffman codes
  put(s, LITERALS - 257, 5);
  put(s, 2 - 1, 5);
  put(s, CODE_LENGTH_ORDER.length - 4, 4);
  for (const symbol of CODE_LENGTH_ORDER) put(s, symbol < 16 ? 4 : 0, 3);
  // With sixteen 4-bit codes the canonical code of length L is L itself.
  for (let v = 0; v < LITERALS; v++) put(s, reverse(lengths[v], 4), 4);
  put(s, reverse(1, 4), 4);
  put(s, reverse(1, 4), 4);
}

/**
 * Huffman code lengths for `freq` (fewer than 512 symbols) into `lengths` (0 for symbols that do not occur), none
 * longer than `limit`. When the optimal code is deeper, the deep codes are cut to `limit` and the code made whole
 * again by lengthening the shortest codes that can take it, then the lengths dealt out again by frequency (miniz's
 * way). A single symbol still gets a 1-bit code, beside a second, unused one: a complete code, as decoders expect.
 */
export function codeLengths(freq: ArrayLike<number>, limit: number, lengths: Uint8Array): void {
  lengths.fill(0);
  // The present symbols by weight, then by value: each sorted as weight × 2^9 + symbol, a plain number (no comparator).
  const keys: number[] = [];
  for (let v = 0; v < freq.length; v++) if (freq[v] > 0) keys.push(freq[v] * 512 + v);
  if (keys.length < 2) {
    const only = keys.length ? keys[0] % 512 : 0;
    lengths[only] = 1;
    lengths[only === 0 ? 1 : 0] = 1;
    return;
  }
  const present = Float64Array.from(keys).sort();
  const m = present.length;
  // Two queues: the leaves in order of weight, then the inner nodes, made in order of weight.
  const weight = new Float64Array(2 * m - 1);
  const parent = new Int32Array(2 * m - 1);
  for (let i = 0; i < m; i++) weight[i] = Math.floor(present[i] / 512);
  let leaf = 0;
  let inner = m;
  for (let made = m; made < 2 * m - 1; made++) {
    for (let k = 0; k < 2; k++) {
      const take = leaf < m && (inner >= made || weight[leaf] <= weight[inner]) ? leaf++ : inner++;
      weight[made] += weight[take];
      parent[take] = made;
    }
  }
  const depth = new Int32Array(2 * m - 1);
  for (let i = 2 * m - 3; i >= 0; i--) depth[i] = depth[parent[i]] + 1;
  // How many codes of each length, the deep ones cut to `limit`; then, while the code is over-full, one code of the
  // longest length goes, and a shorter code is lengthened by one, making room for two.
  const count = new Int32Array(limit + 1);
  for (let i = 0; i < m; i++) count[Math.min(limit, depth[i])]++;
  let total = 0;
  for (let l = 1; l <= limit; l++) total += count[l] * 2 ** (limit - l);
  for (; total > 2 ** limit; total--) {
    count[limit]--;
    for (let l = limit - 1; l > 0; l--) {
      if (count[l]) {
        count[l]--;
        count[l + 1] += 2;
        break;
      }
    }
  }
  // The longest codes to the rarest symbols.
  for (let l = limit, i = 0; l > 0; l--) for (let c = count[l]; c > 0; c--) lengths[present[i++] % 512] = l;
}

/** Deflate's canonical codes for the lengths (RFC 1951 §3.2.2), bit-reversed, into `codes`. */
function canonicalCodes(lengths: Uint8Array, codes: Uint32Array): void {
  const count = new Uint16Array(MAX_BITS + 1);
  for (const l of lengths) count[l]++;
  count[0] = 0;
  const next = new Uint16Array(MAX_BITS + 1);
  for (let l = 1, code = 0; l <= MAX_BITS; l++) next[l] = code = (code + count[l - 1]) << 1;
  for (let v = 0; v < lengths.length; v++) codes[v] = lengths[v] ? reverse(next[lengths[v]]++, lengths[v]) : 0;
}

/** `value`'s low `count` bits in reverse order. */
function reverse(value: number, count: number): number {
  let r = 0;
  for (let i = 0; i < count; i++, value >>>= 1) r = (r << 1) | (value & 1);
  return r;
}
