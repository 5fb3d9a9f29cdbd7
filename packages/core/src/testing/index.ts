/**
 * `@acseg/core/testing`: what a plugin's tests need. Conformance suites that
 * every built-in and third-party component runs, a temp-folder helper, and
 * small fake components. Imports vitest, so only tests load it.
 */
export { describeBackbone, type BackboneKit } from './describe-backbone.js';
export { describeGenerator, type GeneratorKit } from './describe-generator.js';
export { describeClassifier, type ClassifierKit } from './describe-classifier.js';
export { countingDecoder } from './counting-decoder.js';
export { expectAcsegError } from './expect-acseg-error.js';
export { tempDir, removeTempDirs } from './temp-dirs.js';
export { fakeBackbone, axisGenerator, sizeClassifier } from './pipeline-fakes.js';
