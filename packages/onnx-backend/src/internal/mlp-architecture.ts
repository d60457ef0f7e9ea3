import type { Architecture, ArchitectureInput } from '../architecture';
import type { OnnxGraphBuilder } from '../onnx-graph-builder';
import { applyActivation } from './activation';
import { ConfigFields } from './config-fields';

/**
 * `inferox-mlp`: a stack of torch-style Linear layers (`layers.{i}.weight` [out, in], `layers.{i}.bias` [out]) with
 * `hidden_act` (relu, gelu (erf), tanh; default relu) between them and a linear last layer. Input `input` float32
 * [batch, layer_sizes[0]], output `logits` float32 [batch, layer_sizes[last]].
 */
export const mlpArchitecture: Architecture = {
  modelType: 'inferox-mlp',
  description: 'Inferox test MLP (Linear layers with relu/gelu/tanh)',
  build({ config, configPath, weights }: ArchitectureInput, g: OnnxGraphBuilder): void {
    const f = new ConfigFields(config, configPath);
    const sizes = config.layer_sizes;
    if (!Array.isArray(sizes) || sizes.length < 2 || !sizes.every((n) => Number.isInteger(n) && n > 0)) {
      f.fail('layer_sizes', `must be an array of at least 2 positive integers, got ${JSON.stringify(sizes) ?? 'nothing'}`);
    }
    const act = f.oneOf('hidden_act', ['relu', 'gelu', 'tanh'] as const, 'relu');
    const dims = sizes as number[];
    let x = g.addInput('input', 'float32', ['batch', dims[0]!]);
    for (let i = 0; i + 1 < dims.length; i++) {
      const w = g.addInitializer(`layers.${i}.weight`, weights.get(`layers.${i}.weight`, [dims[i + 1]!, dims[i]!]));
      const b = g.addInitializer(`layers.${i}.bias`, weights.get(`layers.${i}.bias`, [dims[i + 1]!]));
      const last = i + 2 === dims.length;
      x = g.op('Gemm', [x, w, b], { transB: 1 }, last ? 'logits' : undefined);
      if (!last) x = applyActivation(g, x, act);
    }
    g.addOutput(x, 'float32', ['batch', dims.at(-1)!]);
  },
};
