import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { silentLogger } from '@acseg/core';
import { describeBackbone, removeTempDirs, tempDir } from '@acseg/core/testing';
import { afterAll } from 'vitest';
import { DinoBackbone } from './backbone.js';
import { HUB_FIXTURE } from './testing/reference.js';

const samples = fileURLToPath(new URL('../../../samples/', import.meta.url));
afterAll(removeTempDirs);

// The tiny random-weight ViT in the Hub's ONNX layout (attention found by surgery at load).
describeBackbone('dino (tiny Hub-layout ViT)', {
  create: () => DinoBackbone.load({ model: HUB_FIXTURE, log: silentLogger }),
  images: () => [join(samples, 'beach.jpg'), join(samples, 'fruit.jpg')],
  badImage: () => {
    const file = join(tempDir('acseg-dino-kit-'), 'notes.jpg');
    writeFileSync(file, 'not a picture');
    return file;
  },
});
