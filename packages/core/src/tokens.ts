/**
 * Injection tokens for hosts that wire components with a DI container (the
 * CLI uses inversify). Plain symbols, so core depends on no container.
 * Component factories are bound as named bindings: the name is the id.
 */
export const TOKENS = {
  BackboneSpec: Symbol.for('acseg.BackboneSpec'),
  GeneratorSpec: Symbol.for('acseg.GeneratorSpec'),
  ClassifierSpec: Symbol.for('acseg.ClassifierSpec'),
  ComponentRegistry: Symbol.for('acseg.ComponentRegistry'),
  ComponentContext: Symbol.for('acseg.ComponentContext'),
} as const;
