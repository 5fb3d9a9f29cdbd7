/**
 * The three ViT families acseg converts, by their Hub (transformers) tensor
 * names, mapped onto one set of roles the graph builder reads:
 * - `dino`   (ViTModel, facebook/dino-vits16): learned positions, no LayerScale;
 * - `dinov2` (Dinov2Model / Dinov2WithRegistersModel, facebook/dinov2-small,
 *   facebook/dinov2-with-registers-small): learned positions, LayerScale,
 *   optional register tokens after CLS;
 * - `dinov3` (DINOv3ViTModel, facebook/dinov3-vits16-pretrain-lvd1689m):
 *   2-D RoPE instead of learned positions, LayerScale, register tokens,
 *   no key bias.
 */
export type VitFamily = 'dino' | 'dinov2' | 'dinov3';

export const VIT_FAMILIES: readonly VitFamily[] = ['dino', 'dinov2', 'dinov3'];

/** Roles of one block's tensors (a `.weight`/`.bias` pair, or LayerScale's `lambda1` vector). */
export type BlockRole = 'norm1' | 'q' | 'k' | 'v' | 'o' | 'ls1' | 'norm2' | 'fc1' | 'fc2' | 'ls2';

export interface FamilyNames {
  cls: string;
  /** Absent for DINOv3 (RoPE). */
  pos?: string;
  registers: string;
  /** Patch-embedding convolution prefix (`.weight`, `.bias`). */
  patch: string;
  /** Final LayerNorm prefix. */
  norm: string;
  block: (i: number) => string;
  /** Role → name inside a block (a prefix for linear/norm roles, the full name for LayerScale). */
  parts: Partial<Record<BlockRole, string>>;
  /** A tensor whose presence identifies the family (block 0). */
  marker: string;
}

/** Names DINO (ViTModel) and DINOv2 share: transformers' ViT embeddings and encoder layout. */
const TRANSFORMERS_VIT = {
  cls: 'embeddings.cls_token',
  pos: 'embeddings.position_embeddings',
  registers: 'embeddings.register_tokens',
  patch: 'embeddings.patch_embeddings.projection',
  norm: 'layernorm',
  block: (i: number) => `encoder.layer.${i}.`,
};
const TRANSFORMERS_ATTENTION = {
  q: 'attention.attention.query',
  k: 'attention.attention.key',
  v: 'attention.attention.value',
  o: 'attention.output.dense',
};

export const FAMILY_NAMES: Readonly<Record<VitFamily, FamilyNames>> = {
  dino: {
    ...TRANSFORMERS_VIT,
    parts: {
      norm1: 'layernorm_before',
      ...TRANSFORMERS_ATTENTION,
      norm2: 'layernorm_after',
      fc1: 'intermediate.dense',
      fc2: 'output.dense',
    },
    marker: 'encoder.layer.0.layernorm_before.weight',
  },
  dinov2: {
    ...TRANSFORMERS_VIT,
    parts: {
      norm1: 'norm1',
      ...TRANSFORMERS_ATTENTION,
      ls1: 'layer_scale1.lambda1',
      norm2: 'norm2',
      fc1: 'mlp.fc1',
      fc2: 'mlp.fc2',
      ls2: 'layer_scale2.lambda1',
    },
    marker: 'encoder.layer.0.norm1.weight',
  },
  dinov3: {
    cls: 'embeddings.cls_token',
    registers: 'embeddings.register_tokens',
    patch: 'embeddings.patch_embeddings',
    norm: 'norm',
    block: (i) => `layer.${i}.`,
    parts: {
      norm1: 'norm1',
      q: 'attention.q_proj',
      k: 'attention.k_proj',
      v: 'attention.v_proj',
      o: 'attention.o_proj',
      ls1: 'layer_scale1.lambda1',
      norm2: 'norm2',
      fc1: 'mlp.up_proj',
      fc2: 'mlp.down_proj',
      ls2: 'layer_scale2.lambda1',
    },
    marker: 'layer.0.norm1.weight',
  },
};

/** The family whose block-0 marker tensor is present (DINOv3 first: its names are the shortest). */
export function detectFamily(names: ReadonlySet<string> | Record<string, unknown>): VitFamily | undefined {
  const has = (n: string) => (names instanceof Set ? names.has(n) : Object.hasOwn(names, n));
  return (['dinov3', 'dinov2', 'dino'] as const).find((f) => has(FAMILY_NAMES[f].marker));
}

/** A Hub config.json's `model_type` → family (undefined when unknown). */
export function familyOfModelType(modelType: unknown): VitFamily | undefined {
  if (typeof modelType !== 'string') return undefined;
  const t = modelType.toLowerCase();
  if (t === 'vit' || t === 'dino') return 'dino';
  if (t === 'dinov2' || t === 'dinov2_with_registers') return 'dinov2';
  if (t === 'dinov3_vit' || t === 'dinov3') return 'dinov3';
  return undefined;
}
