import { AcsegError, type DeviceChoice } from '@acseg/core';
import type { OnnxProvider } from './session.js';

export const NO_CUDA_LIBRARY = 'onnxruntime-node has no CUDA provider library installed';
export const CUDA_HINT = 'use --device auto or cpu, or install onnxruntime-node with its CUDA binaries and CUDA 12 + cuDNN 9';

/**
 * The execution providers to try, in order, for a device choice: `cpu` → cpu;
 * `auto` → cuda then cpu where the CUDA library is installed, else cpu; `cuda`
 * → cuda, or an AcsegError where its library is not installed. One provider per
 * try: onnxruntime-node throws when a listed provider cannot load instead of
 * falling back to the next.
 */
export function providerOrder(device: DeviceChoice, cudaInstalled: boolean, file?: string): OnnxProvider[] {
  if (device === 'cpu') return ['cpu'];
  if (cudaInstalled) return device === 'cuda' ? ['cuda'] : ['cuda', 'cpu'];
  if (device === 'auto') return ['cpu'];
  throw new AcsegError('BAD_CONFIG', `device "cuda" asked for${file ? ` (${file})` : ''}, but the CUDA execution provider cannot load: ${NO_CUDA_LIBRARY}`, {
    file,
    hint: CUDA_HINT,
  });
}
