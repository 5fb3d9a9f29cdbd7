import { gunzipSync } from 'node:zlib';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { IMAGENET_TEMPLATES, SCENE_TEMPLATES, TEMPLATE_SETS, fillTemplate, promptName, resolveTemplates } from './templates.js';
import { writeTestBpe } from './testing/bpe.js';
import { buildClipTokenizerJson } from './testing/tokenizer-json.js';

describe('prompt templates', () => {
  it("holds the 80 ImageNet templates and MaskCLIP's 5 scene templates, each with one {}", () => {
    expect(IMAGENET_TEMPLATES).toHaveLength(80);
    expect(new Set(IMAGENET_TEMPLATES).size).toBe(80);
    expect(SCENE_TEMPLATES).toHaveLength(5);
    expect(TEMPLATE_SETS['imagenet80+scene']).toHaveLength(85);
    for (const t of TEMPLATE_SETS['imagenet80+scene']) expect(t.split('{}')).toHaveLength(2);
    expect(resolveTemplates(undefined)).toBe(TEMPLATE_SETS['imagenet80+scene']);
    expect(resolveTemplates('a {}.|the {} here')).toEqual(['a {}.', 'the {} here']);
  });

  it("spells VOC's run-together names as prompts", () => {
    expect(promptName('pottedplant')).toBe('potted plant');
    expect(promptName('tvmonitor')).toBe('tv monitor');
    expect(promptName('traffic_light')).toBe('traffic light');
    expect(fillTemplate('a photo of a {}.', 'diningtable')).toBe('a photo of a dining table.');
  });
});

describe("tokenizer.json built from the BPE merges file (the tests' stand-in for CLIP's, testing/bpe.ts)", () => {
  let dir: string;
  let BPE_PATH: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'acseg-clip-bpe-'));
    BPE_PATH = await writeTestBpe(join(dir, 'bpe_simple_vocab_16e6.txt.gz'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it("has CLIP's 49408 ids with <|startoftext|> = 49406 and <|endoftext|> = 49407", async () => {
    const json = (await buildClipTokenizerJson(BPE_PATH)) as { model: { vocab: Record<string, number>; merges: string[] } };
    expect(Object.keys(json.model.vocab)).toHaveLength(49408);
    expect(json.model.vocab['<|startoftext|>']).toBe(49406);
    expect(json.model.vocab['<|endoftext|>']).toBe(49407);
    expect(json.model.merges).toHaveLength(48894);
    expect(json.model.vocab['!']).toBe(0);
    expect(json.model.vocab['!</w>']).toBe(256);
    // The first merge line after the header is the first merged token (id 512).
    const first = gunzipSync(readFileSync(BPE_PATH)).toString('utf8').split('\n')[1];
    expect(json.model.vocab[first.replace(' ', '')]).toBe(512);
  });

  it('merges only tokens made before them, as a real merges file does', async () => {
    const json = (await buildClipTokenizerJson(BPE_PATH)) as { model: { vocab: Record<string, number>; merges: string[] } };
    json.model.merges.forEach((m, rank) => {
      const [a, b] = m.split(' ');
      expect(json.model.vocab[a + b]).toBe(512 + rank);
      expect(json.model.vocab[a]).toBeLessThan(512 + rank);
      expect(json.model.vocab[b]).toBeLessThan(512 + rank);
    });
  });
});
