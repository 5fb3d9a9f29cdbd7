import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const runtimeImports = (allowed) => ({
  'no-restricted-imports': [
    'error',
    {
      patterns: [
        { group: ['onnxruntime-node', 'onnxruntime-*'], message: 'onnxruntime belongs in backbone/classifier plugins, not here' },
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
  // Core holds contracts only: no ML runtime, no image library, no DI.
  { files: ['packages/core/src/**/*.ts'], rules: runtimeImports([]) },
  { files: ['apps/cli/src/**/*.ts'], ignores: ['apps/cli/src/container/**'], rules: runtimeImports(['sharp', 'onnxruntime']) },
);
