import { mkdtemp, writeFile, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseSafetensors, readSafetensors, readSafetensorsHeader, readTensors, safetensorsPieces, serializeSafetensors, writeSafetensors } from './index.js';

// Every temp folder this file makes, removed once its tests are done.
const made: string[] = [];
async function tempDir(prefix: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  made.push(dir);
  return dir;
}
afterAll(async () => {
  await Promise.all(made.map((dir) => rm(dir, { recursive: true, force: true })));
});

/** A file assembled by hand from the format description, not by our writer. */
function handMade(): Uint8Array {
  const header = JSON.stringify({
    __metadata__: { format: 'pt' },
    a: { dtype: 'F32', shape: [2], data_offsets: [0, 8] },
    b: { dtype: 'F16', shape: [1], data_offsets: [8, 10] },
  });
  const hb = Buffer.from(header);
  const buf = Buffer.alloc(8 + hb.length + 10);
  buf.writeBigUInt64LE(BigInt(hb.length), 0);
  hb.copy(buf, 8);
  buf.writeFloatLE(1.5, 8 + hb.length);
  buf.writeFloatLE(-2, 12 + hb.length);
  buf.writeUInt16LE(0x3c00, 16 + hb.length); // 1.0 in IEEE half precision
  return new Uint8Array(buf);
}

describe('safetensors', () => {
  it('reads a file laid out by hand, converting F16 to float32', () => {
    const { tensors, metadata } = parseSafetensors(handMade());
    expect(metadata).toEqual({ format: 'pt' });
    expect(Array.from(tensors.a.data as Float32Array)).toEqual([1.5, -2]);
    expect(tensors.b.shape).toEqual([1]);
    expect((tensors.b.data as Float32Array)[0]).toBe(1);
  });

  it('round-trips through a file, with an 8-byte-aligned data section', async () => {
    const dir = await tempDir('st-');
    const path = join(dir, 'w.safetensors');
    const w = Float32Array.from({ length: 12 }, (_, i) => i / 3);
    await writeSafetensors(path, { 'z.weight': { shape: [3, 4], data: w }, 'a.ids': { shape: [2], data: Int32Array.from([7, -1]) } }, { k: '5' });
    const bytes = new Uint8Array(await readFile(path));
    const n = Number(new DataView(bytes.buffer).getBigUint64(0, true));
    expect((8 + n) % 8).toBe(0);
    const back = await readSafetensors(path);
    expect(Array.from(back.tensors['z.weight'].data as Float32Array)).toEqual(Array.from(w));
    expect(Array.from(back.tensors['a.ids'].data as Int32Array)).toEqual([7, -1]);
    expect(back.metadata).toEqual({ k: '5' });
    const header = await readSafetensorsHeader(path);
    expect(Object.keys(header.tensors).sort()).toEqual(['a.ids', 'z.weight']);
    const only = await readTensors(path, header, ['z.weight']);
    expect(only['z.weight'].shape).toEqual([3, 4]);
  });

  it('names the problem for truncated, foreign and inconsistent files', async () => {
    const dir = await tempDir('st-');
    const good = handMade();
    const truncated = join(dir, 'cut.safetensors');
    await writeFile(truncated, good.subarray(0, good.length - 3));
    await expect(readSafetensors(truncated)).rejects.toThrow(/cut\.safetensors: tensor "a" lies past the end/);
    const foreign = join(dir, 'x.onnx');
    await writeFile(foreign, Buffer.from('this is not a tensor file at all'));
    await expect(readSafetensors(foreign)).rejects.toThrow(/x\.onnx: not a safetensors file/);
    expect(() => serializeSafetensors({ w: { shape: [2, 2], data: new Float32Array(3) } })).toThrow(/needs 16 bytes, data has 12/);
  });

  it('safetensorsPieces: header then each tensor by name, as views; read back as written', () => {
    const b = new Float32Array([1, 2, 3, 4]);
    const a = new Int32Array([-7, 9]);
    const pieces = safetensorsPieces({ b: { shape: [2, 2], data: b }, a: { shape: [2], data: a } }, { k: 'v' });
    expect(pieces).toHaveLength(3);
    // Tensors in name order, sharing the caller's memory (no copy).
    expect(pieces[1].buffer).toBe(a.buffer);
    expect(pieces[2].buffer).toBe(b.buffer);
    const file = Buffer.concat(pieces.map((p) => Buffer.from(p)));
    expect(pieces[0].length % 8).toBe(0);
    const back = parseSafetensors(new Uint8Array(file));
    expect(back.metadata).toEqual({ k: 'v' });
    expect(Array.from(back.tensors.b.data as Float32Array)).toEqual([1, 2, 3, 4]);
    expect(Array.from(back.tensors.a.data as Int32Array)).toEqual([-7, 9]);
  });
});
