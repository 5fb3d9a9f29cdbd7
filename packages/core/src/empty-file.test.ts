import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { emptyFileProblem } from './empty-file.js';

const dir = mkdtempSync(join(tmpdir(), 'acseg-empty-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('emptyFileProblem', () => {
  it('names a 0-byte file, and nothing else (a 1-byte file, a folder, a missing path)', () => {
    writeFileSync(join(dir, 'zero.jpg'), '');
    writeFileSync(join(dir, 'one.jpg'), 'x');
    expect(emptyFileProblem(join(dir, 'zero.jpg'))).toBe('the file is empty (0 bytes)');
    expect(emptyFileProblem(join(dir, 'one.jpg'))).toBeUndefined();
    expect(emptyFileProblem(dir)).toBeUndefined();
    expect(emptyFileProblem(join(dir, 'missing.jpg'))).toBeUndefined();
  });
});
