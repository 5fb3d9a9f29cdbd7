export * from './format.js';
export * from './read.js';
export * from './write.js';
