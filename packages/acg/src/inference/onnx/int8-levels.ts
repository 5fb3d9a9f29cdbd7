import type { SessionFactory } from '@acseg/core';
import { floatValueInfo, onnx } from '@acseg/onnx-graph';
import { onnxSessions } from '@acseg/onnx-runtime';
import { int8ModelBytes, type Int8Levels } from './int8.js';

/** Rows and depth of the probe: every output sums 32 pairs of u8·s8 products, each pair 255·127·2 = 64 770. */
const M = 2;
const K = 64;

/**
 * The largest |q| the int8 graph may use here: 127, or 63 where onnxruntime's u8·s8 kernels saturate. On x86 CPUs
 * without VNNI (AVX2; AVX-512 without VNNI) they add each pair of u8·s8 products into an int16 (vpmaddubsw), which
 * holds 32 767 at most: a product of 64 ones (uint8 255) by 127s came out 32.4 instead of 64 on an AMD EPYC (Zen 3,
 * AVX2), and the ACG's products off by several times the quantization bound. onnxruntime's own quantizer takes 7-bit
 * weights there (`reduce_range`); with 63, 255·63·2 = 32 130 fits. Found by running that product once, not from CPU
 * flags: what counts is the kernel onnxruntime picks. Asked once per process.
 */
export function int8Levels(sessions?: SessionFactory): Promise<Int8Levels> {
  return (probed ??= probe(sessions).catch((e: unknown) => {
    probed = undefined;
    throw e;
  }));
}

let probed: Promise<Int8Levels> | undefined;

async function probe(sessions?: SessionFactory): Promise<Int8Levels> {
  const model = int8ModelBytes({
    name: 'acg_int8_probe',
    node: [{ opType: 'DynamicQuantizeMatMul', input: ['a', 'b', 'b_scale'], output: ['y'], name: 'product', domain: 'com.microsoft' }],
    initializer: [
      { name: 'b', dims: [K, 1], dataType: onnx.TensorProto.DataType.INT8, rawData: new Uint8Array(K).fill(127) },
      { name: 'b_scale', dims: [1], dataType: onnx.TensorProto.DataType.FLOAT, rawData: new Uint8Array(Float32Array.of(1 / 127).buffer) },
    ],
    input: [floatValueInfo('a', [M, K])],
    output: [floatValueInfo('y')],
  });
  const session = await onnxSessions(sessions).create(model, { device: 'cpu', threads: 1, quiet: true });
  try {
    // a = 1 everywhere: uint8 255 with scale 1/255, zero point 0; the exact product is K.
    const input = new session.ort.Tensor('float32', new Float32Array(M * K).fill(1), [M, K]);
    const res = await session.run({ a: input });
    const y = res.y.data as Float32Array;
    return Math.abs(y[0] - K) < 0.01 * K ? 127 : 63;
  } finally {
    await session.dispose();
  }
}
