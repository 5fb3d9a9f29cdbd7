import { mkdtemp, mkdir, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { forgetTrained, markTrained, runFingerprint, trainedEarlier } from './trained-earlier.js';

const made: string[] = [];
afterAll(async () => Promise.all(made.map((d) => rm(d, { recursive: true, force: true }))));
async function tmp(): Promise<string> {
  const d = await mkdtemp(join(tmpdir(), 'acseg-trained-'));
  made.push(d);
  return d;
}

describe('runFingerprint', () => {
  it('changes with the settings, the list, and an input’s size or modification time', async () => {
    const dir = await tmp();
    const a = join(dir, 'a.jpg');
    const b = join(dir, 'b.jpg');
    await writeFile(a, 'aaa');
    await writeFile(b, 'bbb');
    const base = await runFingerprint({ k: 5 }, [a, b]);
    expect(await runFingerprint({ k: 5 }, [a, b])).toBe(base);
    expect(await runFingerprint({ k: 4 }, [a, b])).not.toBe(base);
    expect(await runFingerprint({ k: 5 }, [a])).not.toBe(base);
    await writeFile(b, 'bbbb');
    const grown = await runFingerprint({ k: 5 }, [a, b]);
    expect(grown).not.toBe(base);
    const later = new Date(Date.now() + 10_000);
    await utimes(a, later, later);
    expect(await runFingerprint({ k: 5 }, [a, b])).not.toBe(grown);
  });
});

describe('markTrained / trainedEarlier', () => {
  it('gives back the checkpoint and state recorded under the same fingerprint, while unchanged', async () => {
    const out = await tmp();
    const ckpt = join(out, 'acg-checkpoint');
    await mkdir(ckpt);
    await writeFile(join(ckpt, 'weights.safetensors'), 'w');
    const state = join(out, '.acseg-kmeans-state.safetensors');
    await writeFile(state, 's');
    await markTrained(out, 'f1', { checkpoint: ckpt });
    await markTrained(out, 'f1', { classifierState: state });
    expect(await trainedEarlier(out, 'f1')).toEqual({ checkpoint: ckpt, classifierState: state });
    // Another fingerprint: nothing.
    expect(await trainedEarlier(out, 'f2')).toEqual({});
    // A file of the checkpoint rewritten since: the checkpoint is not used; the state still is.
    const later = new Date(Date.now() + 10_000);
    await utimes(join(ckpt, 'weights.safetensors'), later, later);
    expect(await trainedEarlier(out, 'f1')).toEqual({ classifierState: state });
    // A new record under another fingerprint replaces the old one whole.
    await markTrained(out, 'f2', { checkpoint: ckpt });
    expect(await trainedEarlier(out, 'f1')).toEqual({});
    expect(await trainedEarlier(out, 'f2')).toEqual({ checkpoint: ckpt });
    await forgetTrained(out);
    expect(await trainedEarlier(out, 'f2')).toEqual({});
  });
});
