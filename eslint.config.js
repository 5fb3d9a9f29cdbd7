import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const runtimeImports = (allowed) => ({
  'no-restricted-imports': [
    'error',
    {
      patterns: [
        { group: ['onnxruntime-node', 'onnxruntime-*'], message: 'onnxruntime-node is imported only by @acseg/onnx-runtime: take sessions from its factory' },
        { group: ['@tensorflow/*'], message: 'TensorFlow.js belongs in @acseg/acg' },
        { group: ['inversify'], message: 'inversify is used only by apps/cli/src/container' },
        { group: ['sharp'], message: 'image decoding belongs in plugins and the CLI' },
      ].filter((p) => !allowed.some((a) => p.group.some((g) => g.startsWith(a)))),
    },
  ],
});

export default tseslint.config(
  { ignores: ['**/dist/**', '**/node_modules/**', '**/*.js', '**/*.mjs', '**/*.cjs', 'tools/**/files/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-non-null-assertion': 'off',
    },
  },
  // onnxruntime-node only in the runtime layer (sessions, device choice); tests building reference sessions and
  // benches profiling the bare runtime may import it. (tools/test/onnxruntime-imports.test.ts also catches import().)
  {
    files: ['packages/**/*.ts', 'apps/**/*.ts'],
    ignores: ['packages/onnx-runtime/**', '**/*.test.ts', '**/bench/**'],
    rules: runtimeImports(['@tensorflow', 'inversify', 'sharp']),
  },
  // Core holds contracts only: no ML runtime, no image library, no DI.
  { files: ['packages/core/src/**/*.ts'], rules: runtimeImports([]) },
  { files: ['apps/cli/src/**/*.ts'], ignores: ['apps/cli/src/container/**'], rules: runtimeImports(['sharp']) },
);
