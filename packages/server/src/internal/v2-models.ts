import { ErrorCode, InferoxError, type TensorSpec, dtypeToV2 } from '@inferox/core';
import type { ServedModel } from '../model-service';
import type { ServerContext } from './server-context';

function tensorsOf(specs: readonly TensorSpec[]): { name: string; datatype: string; shape: number[] }[] {
  return specs.map((s) => ({ name: s.name, datatype: dtypeToV2(s.dtype), shape: (s.shape ?? [-1]).map((d) => (typeof d === 'number' ? d : -1)) }));
}

/** The metadata body of one model version (text models also take a BYTES input and name their task). */
export function modelMetadata(model: ServedModel): Record<string, unknown> {
  const inputs = tensorsOf(model.inputs);
  const outputs = tensorsOf(model.outputs);
  if (model.text) {
    inputs.push({ name: 'text', datatype: 'BYTES', shape: [-1] });
    if (model.text.task === 'embedding') outputs.push({ name: 'embedding', datatype: 'FP32', shape: [-1, model.text.info.dimensions ?? -1] });
    else outputs.push({ name: 'scores', datatype: 'FP32', shape: [-1, model.text.info.labels?.length ?? -1] }, { name: 'label', datatype: 'BYTES', shape: [-1] });
  }
  return {
    name: model.name,
    versions: [...model.versions],
    platform: model.platform,
    inputs,
    outputs,
    parameters: { state: model.state, backends: model.backends.join(','), ...(model.text ? { task: model.text.task } : {}) },
  };
}

/** Resolves `model` and `version` from route params, refusing names with characters no model can have. */
export async function servedModel(context: ServerContext, params: { model: string; version?: string }): Promise<ServedModel> {
  if (params.version !== undefined && !/^\d+$/.test(params.version)) {
    throw new InferoxError(ErrorCode.MODEL_NOT_FOUND, `model ${JSON.stringify(params.model.slice(0, 64))} has no version ${JSON.stringify(params.version.slice(0, 32))}`);
  }
  return context.service.model(params.model, params.version);
}

