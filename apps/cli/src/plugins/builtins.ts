/**
 * The project's own plugins, loaded the same way as third-party ones: each
 * package's `plugin` entry default-exports its declarative manifest, which
 * imports no runtime (components load their modules when created).
 */
export const BUILTIN_PLUGINS: readonly string[] = [
  '@acseg/backbone-dino/plugin',
  '@acseg/backbone-handcrafted/plugin',
  '@acseg/acg/plugin',
  '@acseg/generator-clustering/plugin',
  '@acseg/classifier-kmeans/plugin',
  '@acseg/classifier-clip/plugin',
];
