import { opt, v } from '@acseg/core';

/** Default model name, resolved through the model cache (`acseg models pull dino-vits16`). */
export const DEFAULT_MODEL = 'dino-vits16';

/** The options of backbone `dino` (flat CLI record: --model, --set batchSize=4, ...). */
export const DINO_SCHEMA = v.object({
  model: opt.string('a model name from `acseg models list` or an .onnx path / model folder', DEFAULT_MODEL, 'a path or a model name'),
  inputSize: opt.string(
    "input size: a side S (S×S) or height×width, e.g. 224 or 448x672 (default: the model's)",
    undefined,
    'a side (e.g. 224) or height×width (e.g. 448x672)',
  ),
  batchSize: opt.int('images per forward pass', { min: 1, expected: 'a positive integer' }),
  features: opt.choice(['tokens', 'keys'], 'patch features: final-normed tokens (the paper) or last-layer keys', 'tokens'),
  provider: opt.choice(['auto', 'cpu', 'cuda'], "onnxruntime execution provider for this backbone (default: the run's --device; auto: CUDA when it loads)"),
  maxPixels: opt.int('largest image accepted, in pixels (default $ACSEG_MAX_PIXELS, else 64 MP)', { min: 1, expected: 'a positive whole number of pixels' }),
});
