import type { GraphModel } from '@tensorflow/tfjs-converter';
import type { LayersModel } from '@tensorflow/tfjs-layers';
import { type Dim, ErrorCode, InferoxError, type TensorSpec } from '@inferox/core';
import type { BuiltModel } from '../hf/model-builder';
import { dtypeFromTfjs } from '../tensor-convert';
import type { TfTensorMap, TfjsExecutor } from '../tfjs-executor';
import type { Tf, TfTensor } from '../tf-module';
import type { TfjsModelFiles } from './read-model-folder';

const toArray = (result: TfTensor | TfTensor[]): TfTensor[] => (Array.isArray(result) ? result : [result]);

function spec(file: string, name: string, dtype: string | undefined, shape: readonly (number | null)[] | undefined, role: 'input' | 'output', batchFirst: boolean): TensorSpec {
  const mapped = dtypeFromTfjs(dtype);
  if (mapped === undefined && role === 'input') {
    throw new InferoxError(ErrorCode.PACKAGE_INVALID, `${file}: input ${JSON.stringify(name)} has dtype ${JSON.stringify(dtype)}, which the tfjs backend cannot feed`, {
      details: { file, input: name, dtype },
    });
  }
  const dims: Dim[] | null = shape ? shape.map((d, i) => (d === null || d < 0 ? (batchFirst && i === 0 ? 'batch' : null) : d)) : null;
  // Graph outputs rarely declare a dtype; tfjs computes in float32 unless told otherwise.
  return { name, dtype: mapped ?? 'float32', shape: dims };
}

/** Names (node names and signature keys) of the graph's DT_INT64 placeholders. */
function int64Inputs(files: TfjsModelFiles): Set<string> {
  const names = new Set<string>();
  const topology = files.artifacts.modelTopology as { node?: { name?: string; op?: string; attr?: { dtype?: { type?: string } } }[] };
  for (const node of topology.node ?? []) {
    if (node.op === 'Placeholder' && node.attr?.dtype?.type === 'DT_INT64' && node.name) names.add(node.name);
  }
  const signature = files.artifacts.signature as { inputs?: Record<string, { name?: string; dtype?: string }> } | undefined;
  for (const [key, input] of Object.entries(signature?.inputs ?? {})) {
    if (input.dtype === 'DT_INT64') names.add(key);
  }
  return names;
}

class GraphExecutor implements TfjsExecutor {
  readonly #model: GraphModel;
  needsAsync = false;

  constructor(model: GraphModel) {
    this.#model = model;
  }

  execute(inputs: TfTensorMap, outputs: readonly string[]): TfTensor[] {
    try {
      return toArray(this.#model.execute(inputs, [...outputs]));
    } catch (error) {
      // Models with control flow or dynamic shapes only run through executeAsync.
      if (error instanceof Error && error.message.includes('executeAsync')) this.needsAsync = true;
      throw error;
    }
  }

  async executeAsync(inputs: TfTensorMap, outputs: readonly string[]): Promise<TfTensor[]> {
    return toArray(await this.#model.executeAsync(inputs, [...outputs]));
  }

  dispose(): void {
    this.#model.dispose();
  }
}

class LayersExecutor implements TfjsExecutor {
  readonly #model: LayersModel;

  constructor(model: LayersModel) {
    this.#model = model;
  }

  execute(inputs: TfTensorMap, outputs: readonly string[]): TfTensor[] {
    const model = this.#model;
    const results = toArray(model.predict(model.inputNames.map((n) => inputs[n]!)) as TfTensor | TfTensor[]);
    return outputs.map((name) => results[model.outputNames.indexOf(name)]!);
  }

  dispose(): void {
    this.#model.dispose();
  }
}

/**
 * Builds a GraphModel or LayersModel from files read by `readTfjsModelFolder` (tfjs-converter and tfjs-layers are
 * imported only here, when such a model is loaded).
 *
 * @throws InferoxError `PACKAGE_INVALID` naming the model.json when tfjs refuses the topology or weights.
 */
export async function loadTfjsModel(_tf: Tf, file: string, files: TfjsModelFiles): Promise<BuiltModel> {
  const handler = { load: async () => files.artifacts };
  if (files.kind === 'graph') {
    const converter = await import('@tensorflow/tfjs-converter');
    let model: GraphModel;
    try {
      model = await converter.loadGraphModel(handler);
    } catch (error) {
      throw new InferoxError(ErrorCode.PACKAGE_INVALID, `${file}: tfjs cannot load this graph model: ${(error as Error).message}`, { cause: error, details: { file } });
    }
    const int64 = int64Inputs(files);
    const inputs = model.inputs.map((info, i) => {
      const declared = spec(file, model.inputNodes[i] ?? info.name, info.dtype, info.shape, 'input', false);
      // tfjs computes int64 as int32; declaring int64 as the graph does lets ONNX-style int64 feeds through (narrowed).
      return int64.has(info.name) || int64.has(declared.name) ? { ...declared, dtype: 'int64' as const } : declared;
    });
    const outputs = model.outputs.map((info, i) => spec(file, model.outputNodes[i] ?? info.name, info.dtype, info.shape, 'output', false));
    return {
      signature: { inputs, outputs },
      executor: new GraphExecutor(model),
      memoryBytes: files.weightBytes,
      metadata: { format: 'tfjs-graph', ...(model.modelVersion ? { modelVersion: model.modelVersion } : {}) },
    };
  }
  const layers = await import('@tensorflow/tfjs-layers');
  let model: LayersModel;
  try {
    model = await layers.loadLayersModel(handler);
  } catch (error) {
    throw new InferoxError(ErrorCode.PACKAGE_INVALID, `${file}: tfjs cannot load this layers model: ${(error as Error).message}`, { cause: error, details: { file } });
  }
  const inputs = model.inputs.map((t, i) => spec(file, model.inputNames[i]!, t.dtype, t.shape, 'input', true));
  const outputs = model.outputs.map((t, i) => spec(file, model.outputNames[i]!, t.dtype, t.shape, 'output', true));
  return {
    signature: { inputs, outputs },
    executor: new LayersExecutor(model),
    memoryBytes: files.weightBytes,
    metadata: { format: 'tfjs-layers', className: model.getClassName() },
  };
}
