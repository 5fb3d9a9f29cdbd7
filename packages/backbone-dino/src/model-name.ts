import { basename, dirname, resolve } from 'node:path';
import { folderToModelName } from '@acseg/model-hub';

/**
 * The name a model file is known by in logs and caches. A file with its own
 * name (`models/vit-a.onnx`) is called by it; only the conventional
 * `model.onnx` of a Hub export (`<repo>/onnx/model.onnx`) or of a model folder
 * (`<name>/model.onnx`) takes the folder's name, and a file in the acseg model
 * cache (`…/models/<name>/<revision>/`) its model's name.
 */
export function modelNameFromPath(file: string): string {
  const own = basename(file).replace(/\.onnx$/i, '');
  if (own.toLowerCase() !== 'model') return own;
  let dir = dirname(resolve(file));
  if (basename(dir) === 'onnx') dir = dirname(dir);
  if (basename(dirname(dirname(dir))) === 'models') return folderToModelName(basename(dirname(dir)));
  return basename(dir).replace(/^Xenova[_-]{1,2}/, '') || own;
}
