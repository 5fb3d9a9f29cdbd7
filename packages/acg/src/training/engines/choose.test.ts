import { describe, expect, it } from 'vitest';
import { TRAINING_ENGINES } from './choose.js';

describe('training engines by name', () => {
  it('each name of option trainRuntime loads the engine of that name', async () => {
    expect(Object.keys(TRAINING_ENGINES).sort()).toEqual(['onnx', 'tfjs']);
    for (const [name, load] of Object.entries(TRAINING_ENGINES)) expect((await load()).name).toBe(name);
  });

  it('TF.js is always available; the ONNX engine is exactly when onnxruntime-node loads', async () => {
    expect(await (await TRAINING_ENGINES.tfjs()).unavailable()).toBeUndefined();
    const { loadOnnxRuntime } = await import('../../inference/onnx/session.js');
    const why = await (await TRAINING_ENGINES.onnx()).unavailable();
    if (await loadOnnxRuntime()) expect(why).toBeUndefined();
    else expect(why).toMatch(/\S/);
  });
});
