export { defaultCacheDir, modelDir, modelFolderName } from './cache-dir.js';
export { KNOWN_MODELS, knownModelNames, findModel, getModel, type KnownModel, type ModelLayout } from './registry.js';
export { pullModel, DEFAULT_INPUT_SIZE, type PullOptions, type PullResult, type CheckpointConverter } from './pull.js';
export { listModels, type CachedModel } from './list.js';
export { resolveModelFile, type ResolvedModel, type ResolveOptions } from './resolve.js';
export { hubFileUrl, byHandInstructions, defaultHubUrl, DEFAULT_HUB_URL } from './instructions.js';
export { MANIFEST_FILE, type ModelManifest, type ManifestFile, type Verification } from './manifest.js';
