import { Tensor } from '@inferox/core';
import { type Checkpoint, MLP_ARCHITECTURE } from '@inferox/hf-checkpoint';
import type { OnnxGraphBuilder } from '../onnx-graph-builder';
import { applyActivation } from './activation';

/**
 * Writes `inferox-mlp` as ONNX: a Gemm per torch-style Linear layer with `hidden_act` between them and a linear last
 * layer; input `input`, output `logits` as `MLP_ARCHITECTURE.signature` gives them.
 *
 * @throws InferoxError `PACKAGE_INVALID` naming the config field or the tensor.
 */
export function writeMlpGraph({ config: rawConfig, weights }: Checkpoint, g: OnnxGraphBuilder): void {
  const config = MLP_ARCHITECTURE.parseConfig(rawConfig);
  const dims = config.layerSizes;
  const tensor = (name: string, shape: number[]): Tensor<'float32'> => Tensor.from('float32', weights.float32(name, shape), shape);
  let x = g.addInput('input', 'float32', ['batch', dims[0]!]);
  for (let i = 0; i + 1 < dims.length; i++) {
    const w = g.addInitializer(`layers.${i}.weight`, tensor(`layers.${i}.weight`, [dims[i + 1]!, dims[i]!]));
    const b = g.addInitializer(`layers.${i}.bias`, tensor(`layers.${i}.bias`, [dims[i + 1]!]));
    const last = i + 2 === dims.length;
    x = g.op('Gemm', [x, w, b], { transB: 1 }, last ? 'logits' : undefined);
    if (!last) x = applyActivation(g, x, config.hiddenAct);
  }
  g.addOutput(x, 'float32', ['batch', dims.at(-1)!]);
}
