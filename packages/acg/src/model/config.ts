import { AcsegError } from '@acseg/core';

/** The architecture of an ACG: everything a checkpoint's shapes depend on. */
export interface AcgConfig {
  /** Feature dimension d (384 for ViT-S/16). */
  dim: number;
  /** Number of prototypes k (paper §4.1 / Table 6: 5). */
  k: number;
  /** Update steps N (paper §4.1: 6); each step has its own weights. */
  steps: number;
  /** Attention heads (method notes §2: 6, d/h = 64). */
  heads: number;
  /** FFN activation (the original transformer: ReLU). */
  ffn: 'relu' | 'gelu';
  /** FFN hidden size (4d). */
  ffnDim: number;
  /** LayerNorm epsilon (PyTorch's default). */
  lnEps: number;
}

export const DEFAULT_CONFIG: Omit<AcgConfig, 'dim' | 'ffnDim'> = { k: 5, steps: 6, heads: 6, ffn: 'relu', lnEps: 1e-5 };

export function makeConfig(dim: number, partial: Partial<AcgConfig> = {}): AcgConfig {
  const cfg: AcgConfig = { ...DEFAULT_CONFIG, ffnDim: 4 * dim, ...partial, dim };
  checkConfig(cfg);
  return cfg;
}

export function checkConfig(cfg: AcgConfig, where = 'ACG config'): void {
  const posInt = (v: unknown) => typeof v === 'number' && Number.isInteger(v) && v > 0;
  for (const key of ['dim', 'k', 'steps', 'heads', 'ffnDim'] as const) {
    if (!posInt(cfg[key])) throw new AcsegError('BAD_CONFIG', `${where}: ${key} must be a positive integer, got ${String(cfg[key])}`);
  }
  if (cfg.dim % cfg.heads !== 0) throw new AcsegError('BAD_CONFIG', `${where}: dim ${cfg.dim} is not divisible by heads ${cfg.heads}`);
  if (cfg.ffn !== 'relu' && cfg.ffn !== 'gelu') throw new AcsegError('BAD_CONFIG', `${where}: ffn must be "relu" or "gelu", got ${String(cfg.ffn)}`);
  if (!(typeof cfg.lnEps === 'number' && cfg.lnEps > 0)) throw new AcsegError('BAD_CONFIG', `${where}: lnEps must be a positive number`);
}

/** One parameter in PyTorch layout: Linear weights are [out, in], y = x Wᵀ + b. */
export interface ParamSpec {
  name: string;
  shape: number[];
  /** Linear weight stored [out, in]; the TF.js side keeps it as [in, out]. */
  linear: boolean;
}

/** Every tensor of a checkpoint, in a fixed order (names as in the README). */
export function paramSpecs(cfg: AcgConfig): ParamSpec[] {
  const d = cfg.dim;
  const specs: ParamSpec[] = [{ name: 'prototypes', shape: [cfg.k, d], linear: false }];
  const linear = (name: string, out: number, inp: number) => {
    specs.push({ name: `${name}.weight`, shape: [out, inp], linear: true }, { name: `${name}.bias`, shape: [out], linear: false });
  };
  const norm = (name: string) => {
    specs.push({ name: `${name}.weight`, shape: [d], linear: false }, { name: `${name}.bias`, shape: [d], linear: false });
  };
  for (let l = 0; l < cfg.steps; l++) {
    const p = `layers.${l}`;
    for (const attn of ['cross_attn', 'self_attn']) for (const x of ['q', 'k', 'v', 'o']) linear(`${p}.${attn}.${x}_proj`, d, d);
    linear(`${p}.ffn.fc1`, cfg.ffnDim, d);
    linear(`${p}.ffn.fc2`, d, cfg.ffnDim);
    norm(`${p}.norm1`);
    norm(`${p}.norm2`);
    norm(`${p}.norm3`);
  }
  return specs;
}

export type ParamValues = Record<string, Float32Array>;
