import type { BertActivation, MlpActivation } from '@inferox/hf-checkpoint';
import type { OnnxGraphBuilder } from '../onnx-graph-builder';

/** Writes `act(x)` into the graph. `gelu` is the exact (erf) form; `gelu_new`/`gelu_pytorch_tanh` the tanh form. */
export function applyActivation(g: OnnxGraphBuilder, x: string, act: BertActivation | MlpActivation): string {
  switch (act) {
    case 'relu':
      return g.op('Relu', [x]);
    case 'tanh':
      return g.op('Tanh', [x]);
    case 'silu':
    case 'swish':
      return g.op('Mul', [x, g.op('Sigmoid', [x])]);
    case 'gelu': {
      const erf = g.op('Erf', [g.op('Mul', [x, g.floats(Math.SQRT1_2)])]);
      return g.op('Mul', [g.op('Mul', [x, g.op('Add', [erf, g.floats(1)])]), g.floats(0.5)]);
    }
    case 'gelu_new':
    case 'gelu_pytorch_tanh': {
      const cube = g.op('Mul', [g.op('Mul', [x, x]), x]);
      const inner = g.op('Mul', [g.op('Add', [x, g.op('Mul', [cube, g.floats(0.044715)])]), g.floats(Math.sqrt(2 / Math.PI))]);
      return g.op('Mul', [g.op('Mul', [x, g.op('Add', [g.op('Tanh', [inner]), g.floats(1)])]), g.floats(0.5)]);
    }
  }
}
