import { homedir } from 'node:os';
import { join } from 'node:path';

/**
 * Where acseg keeps downloaded models: `$ACSEG_CACHE_DIR`, else
 * `$XDG_CACHE_HOME/acseg` (XDG Base Directory spec), else `~/.cache/acseg`.
 * Empty variables count as unset, as the XDG spec says.
 */
export function defaultCacheDir(env: NodeJS.ProcessEnv = process.env, home: string = homedir()): string {
  if (env.ACSEG_CACHE_DIR) return env.ACSEG_CACHE_DIR;
  if (env.XDG_CACHE_HOME) return join(env.XDG_CACHE_HOME, 'acseg');
  return join(home, '.cache', 'acseg');
}

/** Folder name of a model in the cache: "/" in Hub names becomes "--" (facebook/dino-vits16 → facebook--dino-vits16). */
export function modelFolderName(name: string): string {
  return name.replace(/\//g, '--');
}

export function folderToModelName(folder: string): string {
  return folder.replace(/--/g, '/');
}

/** `<cacheDir>/models/<name>/<revision>/`: the folder a pulled model's files live in. */
export function modelDir(cacheDir: string, name: string, revision = 'main'): string {
  return join(cacheDir, 'models', modelFolderName(name), modelFolderName(revision));
}
