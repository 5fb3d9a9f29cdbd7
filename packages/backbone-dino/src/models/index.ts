export { DINO_MODELS, knownModelNames, findModel, getModel, type DinoModel } from './catalog.js';
export { resolveModelFile, type ResolvedModel, type ResolveOptions } from './resolve.js';
