export * from './proto.js';
export { GraphBuilder, transpose, type AttrValue, type Dim, type EncodeOptions } from './builder.js';
export { attention, gelu, layerNorm, linear, splitHeads } from './layers.js';
