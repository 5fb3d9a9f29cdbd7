// inversify's decorators read their metadata through it; loaded with the container, not for --help.
import 'reflect-metadata';
import { Container, ContainerModule, type Factory } from 'inversify';
import {
  createComponent,
  TOKENS,
  UnknownComponentError,
  type Backbone,
  type ComponentKind,
  type ComponentOptions,
  type ComponentRegistry,
  type ComponentServices,
  type ConceptClassifier,
  type ConceptGenerator,
} from '@acseg/core';
import { servicesModule, type RunServices } from './services.module.js';

export interface KindType {
  backbone: Backbone;
  generator: ConceptGenerator;
  classifier: ConceptClassifier;
}

const FACTORY_TOKEN: Record<ComponentKind, symbol> = {
  backbone: TOKENS.BackboneFactory,
  generator: TOKENS.GeneratorFactory,
  classifier: TOKENS.ClassifierFactory,
};

type ComponentMaker = Factory<unknown, [ComponentOptions]>;

/**
 * Every registered component becomes a factory bound under its kind's token
 * and named by its id; resolving it injects the run's services, the same
 * for every plugin.
 */
export function componentsModule(registry: ComponentRegistry): ContainerModule {
  return new ContainerModule(({ bind }) => {
    bind<ComponentRegistry>(TOKENS.ComponentRegistry).toConstantValue(registry);
    for (const entry of registry.list()) {
      bind<ComponentMaker>(FACTORY_TOKEN[entry.kind])
        .toFactory((ctx) => (options: ComponentOptions) => createComponent(entry, options, ctx.get<ComponentServices>(TOKENS.ComponentServices)))
        .whenNamed(entry.id);
    }
  });
}

/** The run's composition root: its services and every plugin's component factories. */
export function createContainer(registry: ComponentRegistry, run: RunServices): Container {
  const container = new Container();
  container.load(servicesModule(run), componentsModule(registry));
  return container;
}

/** Builds components by kind and name from a container; what the rest of the CLI sees of DI. */
export type ComponentFactory = <K extends ComponentKind>(kind: K, id: string, options: ComponentOptions) => Promise<KindType[K]>;

export function componentFactory(registry: ComponentRegistry, run: RunServices): ComponentFactory {
  const container = createContainer(registry, run);
  return (kind, id, options) => resolveComponent(container, kind, id, options);
}

/** Builds the component `id` of a kind; an unknown id lists the known ones. */
export async function resolveComponent<K extends ComponentKind>(container: Container, kind: K, id: string, options: ComponentOptions): Promise<KindType[K]> {
  const token = FACTORY_TOKEN[kind];
  if (!container.isBound(token, { name: id })) {
    throw new UnknownComponentError(kind, id, container.get<ComponentRegistry>(TOKENS.ComponentRegistry).ids(kind));
  }
  const make = container.get<ComponentMaker>(token, { name: id });
  return (await make(options)) as KindType[K];
}
