/**
 * Injection tokens for hosts that wire components with a DI container (the
 * CLI uses inversify). Plain symbols, so core depends on no container.
 * Per-run services are bound once; component factories are bound per id
 * (named bindings: the name is the id) and receive those services.
 */
export const TOKENS = {
  Logger: Symbol.for('acseg.Logger'),
  Progress: Symbol.for('acseg.Progress'),
  CacheDir: Symbol.for('acseg.CacheDir'),
  Verbose: Symbol.for('acseg.Verbose'),
  ModelHub: Symbol.for('acseg.ModelHub'),
  /** The run's ImageDecoder. */
  Images: Symbol.for('acseg.Images'),
  /** The run's model-session factory (`SessionFactory`, device from `--device`). */
  Sessions: Symbol.for('acseg.Sessions'),
  /** The services object a factory receives: assembled from the ones above. */
  ComponentServices: Symbol.for('acseg.ComponentServices'),
  ComponentRegistry: Symbol.for('acseg.ComponentRegistry'),
  BackboneFactory: Symbol.for('acseg.BackboneFactory'),
  GeneratorFactory: Symbol.for('acseg.GeneratorFactory'),
  ClassifierFactory: Symbol.for('acseg.ClassifierFactory'),
} as const;
