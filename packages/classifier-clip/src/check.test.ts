import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ClipClassifier } from './classifier.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'acseg-clip-check-'));
});
afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('ClipClassifier.check: before any long work, without loading the model', () => {
  it('names the missing model files, then the missing class names; passes once both are there', async () => {
    const model = join(dir, 'clip');
    const clip = new ClipClassifier({ model, textCache: false }, dir);
    await expect(clip.check({ classNames: ['background', 'cat'] })).rejects.toThrow(/model\.safetensors, tokenizer\.json not found in .*clip/);
    // Placeholders: check() looks for the files, it does not read them.
    await mkdir(model);
    await writeFile(join(model, 'model.safetensors'), '');
    await writeFile(join(model, 'tokenizer.json'), '');
    await expect(clip.check({})).rejects.toThrow(/class list is empty/);
    await expect(clip.check({ classNames: ['background', 'cat'] })).resolves.toBeUndefined();
    await expect(new ClipClassifier({ model, classes: 'cat,dog', textCache: false }, dir).check({})).resolves.toBeUndefined();
  });
});
