import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describeBackbone, removeTempDirs, tempDir } from '@acseg/core/testing';
import { afterAll } from 'vitest';
import { HandcraftedBackbone } from './index.js';

const samples = fileURLToPath(new URL('../../../samples/', import.meta.url));
afterAll(removeTempDirs);

describeBackbone('handcrafted', {
  create: async () => new HandcraftedBackbone(),
  images: () => [join(samples, 'beach.jpg'), join(samples, 'street.jpg')],
  badImage: () => {
    const file = join(tempDir('acseg-hc-kit-'), 'notes.jpg');
    writeFileSync(file, 'not a picture');
    return file;
  },
});
