import type { DType, TensorSpec } from '@inferox/core';
import { protoFields, protoInt, protoString, type ProtoField } from './protobuf-fields';

/** What pack needs from an ONNX graph: its declared signature and the external data files it refers to. */
export interface OnnxGraphInfo {
  /** Inputs (initializers excluded) and outputs; `null` when an element type has no Inferox dtype. */
  readonly signature: { readonly inputs: TensorSpec[]; readonly outputs: TensorSpec[] } | null;
  /** `location` of every initializer stored as external data, relative to the model file's folder. */
  readonly externalData: string[];
}

/** ONNX TensorProto.DataType → Inferox dtype. */
const ELEM_TYPES: Readonly<Record<number, DType>> = {
  1: 'float32',
  2: 'uint8',
  3: 'int8',
  4: 'uint16',
  5: 'int16',
  6: 'int32',
  7: 'int64',
  8: 'string',
  9: 'bool',
  10: 'float16',
  11: 'float64',
  12: 'uint32',
  13: 'uint64',
  16: 'bfloat16',
};

function sub(field: ProtoField): Uint8Array {
  return field.wire === 2 ? field.bytes : new Uint8Array(0);
}

function valueInfo(bytes: Uint8Array): TensorSpec | undefined {
  let name = '';
  let dtype: DType | undefined;
  let shape: (number | string | null)[] | null = null;
  for (const f of protoFields(bytes)) {
    if (f.no === 1) name = protoString(f);
    if (f.no !== 2) continue;
    for (const t of protoFields(sub(f))) {
      if (t.no !== 1) continue; // only tensor_type
      for (const tt of protoFields(sub(t))) {
        if (tt.no === 1) dtype = ELEM_TYPES[protoInt(tt)];
        if (tt.no === 2) {
          shape = [];
          for (const d of protoFields(sub(tt))) {
            if (d.no !== 1) continue;
            let dim: number | string | null = null;
            for (const v of protoFields(sub(d))) {
              if (v.no === 1) dim = protoInt(v);
              if (v.no === 2) dim = protoString(v);
            }
            shape.push(dim);
          }
        }
      }
    }
  }
  return dtype === undefined ? undefined : { name, dtype, shape };
}

/**
 * Reads an ONNX ModelProto's graph inputs, outputs and external data locations.
 *
 * @throws ProtobufError when the bytes are not a well-formed protobuf message.
 */
export function onnxGraphInfo(model: Uint8Array): OnnxGraphInfo {
  let graph: Uint8Array | undefined;
  for (const f of protoFields(model)) if (f.no === 7) graph = sub(f);
  if (!graph) return { signature: null, externalData: [] };
  const initializers = new Set<string>();
  const externalData = new Set<string>();
  const inputs: (TensorSpec | undefined)[] = [];
  const outputs: (TensorSpec | undefined)[] = [];
  for (const f of protoFields(graph)) {
    if (f.no === 5) {
      for (const t of protoFields(sub(f))) {
        if (t.no === 8) initializers.add(protoString(t));
        if (t.no !== 13) continue;
        let key = '';
        let value = '';
        for (const e of protoFields(sub(t))) {
          if (e.no === 1) key = protoString(e);
          if (e.no === 2) value = protoString(e);
        }
        if (key === 'location') externalData.add(value);
      }
    }
    if (f.no === 11) inputs.push(valueInfo(sub(f)));
    if (f.no === 12) outputs.push(valueInfo(sub(f)));
  }
  const realInputs = inputs.filter((i) => !(i && initializers.has(i.name)));
  const complete = [...realInputs, ...outputs].every((s) => s !== undefined);
  return {
    signature: complete ? { inputs: realInputs as TensorSpec[], outputs: outputs as TensorSpec[] } : null,
    externalData: [...externalData].sort(),
  };
}
