/**
 * The project's own plugins, loaded the same way as third-party ones: each
 * package's default export is its manifest.
 */
export const BUILTIN_PLUGINS: readonly string[] = [
  '@acseg/backbone-dino',
  '@acseg/backbone-handcrafted',
  '@acseg/acg',
  '@acseg/generator-clustering',
  '@acseg/classifier-kmeans',
  '@acseg/classifier-clip',
];
