import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

const root = resolve(__dirname, '../..');
/** The one package that imports onnxruntime-node (sessions, device choice); see its README. */
const LAYER = join('packages', 'onnx-runtime');

function sources(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (['node_modules', 'dist', 'fixtures', 'bench'].includes(name)) return [];
    if (statSync(path).isDirectory()) return sources(path);
    return /\.(m?[jt]s)$/.test(name) && !/\.test\.m?[jt]s$/.test(name) ? [path] : [];
  });
}

/** Static, type-only, re-exported, dynamic and require() imports of onnxruntime. */
function importsOnnxRuntime(text: string): boolean {
  return /(?:\bfrom\s+|\bimport\s*\(\s*|\brequire\s*\(\s*|^\s*import\s+)['"]onnxruntime-[\w-]+['"]/m.test(text);
}

// Tests that build independent reference sessions and benches that profile the bare runtime may import it; the
// code a user runs may not (the lint rule in eslint.config.js says the same for static imports).
describe('onnxruntime-node is imported only by @acseg/onnx-runtime', () => {
  it('recognizes every form of import', () => {
    for (const form of [
      "import * as ort from 'onnxruntime-node';",
      "import type { Tensor } from 'onnxruntime-node';",
      "export { Tensor } from 'onnxruntime-node';",
      "const ort = await import('onnxruntime-node');",
      "type S = import('onnxruntime-node').InferenceSession;",
      "import 'onnxruntime-web';",
    ])
      expect(importsOnnxRuntime(form), form).toBe(true);
    expect(importsOnnxRuntime("import { OnnxSessions } from '@acseg/onnx-runtime';\n// onnxruntime-node runs it")).toBe(false);
  });

  it('no package or app source outside the runtime layer imports it', () => {
    const dirs = ['packages', 'apps'].flatMap((group) => readdirSync(join(root, group)).map((name) => join(group, name)));
    const offenders = dirs
      .filter((dir) => dir !== LAYER)
      .flatMap((dir) => sources(join(root, dir)))
      .filter((file) => importsOnnxRuntime(readFileSync(file, 'utf8')))
      .map((file) => file.slice(root.length + 1));
    expect(offenders).toEqual([]);
    expect(sources(join(root, LAYER)).some((file) => importsOnnxRuntime(readFileSync(file, 'utf8')))).toBe(true);
  });

  it('the lint rule refuses a static import outside the layer and allows it inside', async () => {
    const eslint = new ESLint({ cwd: root });
    const code = "import * as ort from 'onnxruntime-node';\nexport const version = ort.env.versions.common;\n";
    const rules = async (filePath: string) => (await eslint.lintText(code, { filePath: join(root, filePath) })).flatMap((r) => r.messages.map((m) => m.ruleId));
    expect(await rules('packages/backbone-dino/src/some-session.ts')).toContain('no-restricted-imports');
    expect(await rules('apps/cli/src/container/some-module.ts')).toContain('no-restricted-imports');
    expect(await rules('packages/core/src/some-contract.ts')).toContain('no-restricted-imports');
    expect(await rules('packages/onnx-runtime/src/some-helper.ts')).not.toContain('no-restricted-imports');
    expect(await rules('packages/backbone-dino/src/reference.test.ts')).not.toContain('no-restricted-imports');
  });
});
