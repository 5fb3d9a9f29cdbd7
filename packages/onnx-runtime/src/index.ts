export { OnnxSessions, isOnnxSessions, onnxSessions, type OnnxSessionOptions, type OnnxSessionsOptions } from './sessions.js';
export { OnnxSession, type OnnxProvider } from './session.js';
export { cudaProviderInstalled, loadOnnxRuntime, onnxRuntimeError, requireOnnxRuntime, type Ort } from './load.js';
// Types only: a package using sessions writes its feeds and reads its outputs with them; the module loads lazily.
export type { InferenceSession, OnnxValue, Tensor } from 'onnxruntime-node';
