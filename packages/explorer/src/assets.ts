import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { writeFileAtomic } from '@acseg/report';

/** The page's static files, shipped in the package's assets/ folder (beside src/ and dist/). */
export const ASSET_FILES = ['index.html', 'explorer.css', 'explorer-data.js', 'explorer.js'] as const;
export const ASSETS = fileURLToPath(new URL('../assets/', import.meta.url));

/** Copies the page's files into `dir`; returns the path of its index.html. */
export async function writeAssets(dir: string): Promise<string> {
  await mkdir(dir, { recursive: true });
  for (const name of ASSET_FILES) await writeFileAtomic(join(dir, name), await readFile(join(ASSETS, name)));
  return join(dir, 'index.html');
}
