/**
 * The HEIC fixtures of @acseg/image-io's tests and their reference decodes, made by libheif's own command-line tools
 * (C libheif with x265 and libde265), independent of the WebAssembly libheif acseg decodes with.
 * Needs `apt-get install libheif-examples`; run from the repository root:
 *   npx tsx tools/heic-reference/make-fixtures.ts
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';

const out = join('packages', 'image-io', 'src', 'testing', 'fixtures', 'heic');
// Odd sides: HEVC codes 8×8 blocks, so the decoder must crop to the conformance window.
const W = 65;
const H = 47;
const pixels = Buffer.alloc(W * H * 3);
for (let y = 0; y < H; y++) {
  for (let x = 0; x < W; x++) {
    const i = 3 * (y * W + x);
    // A horizontal and a vertical ramp and a red block at the top left: every side tells which way is up.
    pixels[i] = x < 20 && y < 16 ? 230 : 40 + x * 2;
    pixels[i + 1] = 30 + y * 4;
    pixels[i + 2] = 200 - x;
  }
}
// Saturated colours, where Display P3 and sRGB values differ most: red, green, blue and yellow quarters over ramps.
const vivid = Buffer.alloc(W * H * 3);
for (let y = 0; y < H; y++) {
  for (let x = 0; x < W; x++) {
    const i = 3 * (y * W + x);
    const q = (x < W / 2 ? 0 : 1) + (y < H / 2 ? 0 : 2);
    vivid[i] = q === 0 || q === 3 ? 235 : 20 + x;
    vivid[i + 1] = q === 1 || q === 3 ? 225 : 15 + y;
    vivid[i + 2] = q === 2 ? 230 : 30;
  }
}
async function main(): Promise<void> {
  mkdirSync(out, { recursive: true });
  await sharp(pixels, { raw: { width: W, height: H, channels: 3 } })
    .png()
    .toFile(join(out, 'pattern.png'));
  execFileSync('heif-enc', ['-q', '90', join(out, 'pattern.png'), '-o', join(out, 'pattern.heic')]);
  execFileSync('heif-convert', [join(out, 'pattern.heic'), join(out, 'pattern.libheif.png')]);
  console.log(`wrote ${out}/pattern.png, pattern.heic and pattern.libheif.png (heif-convert's decode)`);
  // An iPhone's case: colours stored in Display P3, the profile embedded. vivid.png holds the sRGB picture; p3.heic the
  // same picture converted to Display P3 by libvips (sharp's built-in profile) and encoded by heif-enc, which embeds the
  // PNG's profile; p3.libheif.png is heif-convert's decode, the P3 values with the profile.
  await sharp(vivid, { raw: { width: W, height: H, channels: 3 } })
    .png()
    .toFile(join(out, 'vivid.png'));
  const p3Png = join(out, 'vivid-p3.tmp.png');
  await sharp(vivid, { raw: { width: W, height: H, channels: 3 } })
    .withIccProfile('p3')
    .png()
    .toFile(p3Png);
  execFileSync('heif-enc', ['-q', '90', p3Png, '-o', join(out, 'p3.heic')]);
  rmSync(p3Png);
  execFileSync('heif-convert', [join(out, 'p3.heic'), join(out, 'p3.libheif.png')]);
  console.log(`wrote ${out}/vivid.png, p3.heic and p3.libheif.png`);
  // Two top-level images, the primary second (a viewer and libvips' header show the primary): the pattern turned a
  // quarter first, then the pattern. heif-enc makes the first primary, so the primary-item box is set to the second.
  const side = join(out, 'side.tmp.png');
  await sharp(join(out, 'pattern.png')).rotate(90).png().toFile(side);
  const two = join(out, 'primary-second.heic');
  execFileSync('heif-enc', ['-q', '90', side, join(out, 'pattern.png'), '-o', two]);
  rmSync(side);
  const ids = [...execFileSync('heif-info', [two], { encoding: 'utf8' }).matchAll(/image: \d+x\d+ \(id=(\d+)\)/g)].map((m) => Number(m[1]));
  const file = readFileSync(two);
  const pitm = file.indexOf('pitm');
  // Version 0: a 16-bit item id after the 4 bytes of version and flags.
  if (ids.length !== 2 || pitm < 0 || file[pitm + 4] !== 0 || file.readUInt16BE(pitm + 8) !== ids[0]) throw new Error(`${two}: unexpected layout`);
  file.writeUInt16BE(ids[1], pitm + 8);
  writeFileSync(two, file);
  // heif-convert writes every top-level image, numbered in the file's order.
  const converted = join(out, 'primary-second.tmp.png');
  execFileSync('heif-convert', [two, converted]);
  renameSync(join(out, 'primary-second.tmp-2.png'), join(out, 'primary-second.libheif.png'));
  rmSync(join(out, 'primary-second.tmp-1.png'));
  console.log(`wrote ${out}/primary-second.heic (primary: item ${ids[1]}, the second) and primary-second.libheif.png`);
}

void main();
