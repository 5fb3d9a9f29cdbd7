// inversify's decorators read their metadata through it; loaded with the container, not for --help.
import 'reflect-metadata';
import { Container, ContainerModule } from 'inversify';
import {
  TOKENS, UnknownComponentError,
  type ComponentContext, type ComponentKind, type ComponentOptions, type ComponentRegistry, type ComponentSpec,
  type Backbone, type ConceptGenerator, type ConceptClassifier,
} from '@acseg/core';

const SPEC_TOKEN: Record<ComponentKind, symbol> = {
  backbone: TOKENS.BackboneSpec,
  generator: TOKENS.GeneratorSpec,
  classifier: TOKENS.ClassifierSpec,
};

/** All wiring in one module: every registered component becomes a named binding of its kind's token. */
export function componentsModule(registry: ComponentRegistry, context: ComponentContext): ContainerModule {
  return new ContainerModule(({ bind }) => {
    bind(TOKENS.ComponentRegistry).toConstantValue(registry);
    bind(TOKENS.ComponentContext).toConstantValue(context);
    for (const entry of registry.list()) {
      bind(SPEC_TOKEN[entry.kind]).toConstantValue(entry.spec).whenNamed(entry.id);
    }
  });
}

export function createContainer(registry: ComponentRegistry, context: ComponentContext): Container {
  const container = new Container();
  container.load(componentsModule(registry, context));
  return container;
}

/** Builds components by kind and name from a container; what the rest of the CLI sees of DI. */
export type ComponentFactory = <K extends ComponentKind>(kind: K, id: string, options: ComponentOptions) => Promise<KindType[K]>;

export function componentFactory(registry: ComponentRegistry, context: ComponentContext): ComponentFactory {
  const container = createContainer(registry, context);
  return (kind, id, options) => resolveComponent(container, kind, id, options);
}

export interface KindType { backbone: Backbone; generator: ConceptGenerator; classifier: ConceptClassifier }

/** Builds the component `id` of a kind; an unknown id lists the known ones. */
export async function resolveComponent<K extends ComponentKind>(container: Container, kind: K, id: string, options: ComponentOptions): Promise<KindType[K]> {
  const token = SPEC_TOKEN[kind];
  if (!container.isBound(token, { name: id })) {
    const registry = container.get<ComponentRegistry>(TOKENS.ComponentRegistry);
    throw new UnknownComponentError(kind, id, registry.ids(kind));
  }
  const spec = container.get<ComponentSpec<KindType[K]>>(token, { name: id });
  const context = container.get<ComponentContext>(TOKENS.ComponentContext);
  return spec.create(options, context);
}
