export { main, buildParser } from './main.js';
export { Session, parseSetFlags } from './session.js';
export { loadConfig, parseConfig, defineConfig, type AcsegConfig } from './config.js';
export { resolvePluginFile, conventionalName, discoverInstalledPlugins, PLUGIN_PREFIX } from './plugins/resolve.js';
