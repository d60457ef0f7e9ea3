import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { TINY_BERT } from '../test-support/temp-package';
import { externalInitializer, int, len, onnxModel, valueInfo } from '../test-support/onnx-proto';
import { onnxGraphInfo } from './onnx-graph-info';
import { ProtobufError, protoFields, protoInt } from './protobuf-fields';

describe('onnxGraphInfo', () => {
  it('reads the declared signature when given the torch export of the fixture', async () => {
    const info = onnxGraphInfo(await readFile(join(TINY_BERT, 'model.onnx')));
    expect(info.externalData).toEqual([]);
    expect(info.signature?.inputs).toEqual([
      { name: 'input_ids', dtype: 'int64', shape: ['batch', 'sequence'] },
      { name: 'attention_mask', dtype: 'int64', shape: ['batch', 'sequence'] },
      { name: 'token_type_ids', dtype: 'int64', shape: ['batch', 'sequence'] },
    ]);
    expect(info.signature?.outputs).toEqual([
      { name: 'last_hidden_state', dtype: 'float32', shape: ['batch', 'sequence', 64] },
      { name: 'pooler_output', dtype: 'float32', shape: ['batch', 64] },
    ]);
  });

  it('leaves initializers out of inputs and lists external data when initializers live outside', () => {
    const model = onnxModel(
      externalInitializer('w', 'model.onnx_data'),
      externalInitializer('b', 'model.onnx_data'),
      valueInfo(11, 'x', 1, ['n', 4]),
      valueInfo(11, 'w', 1, [4]),
      valueInfo(12, 'y', 7, [-1]),
    );
    const info = onnxGraphInfo(model);
    expect(info.externalData).toEqual(['model.onnx_data']);
    expect(info.signature).toEqual({
      inputs: [{ name: 'x', dtype: 'float32', shape: ['n', 4] }],
      outputs: [{ name: 'y', dtype: 'int64', shape: [-1] }],
    });
  });

  it('returns a null signature when an element type has no dtype or there is no graph', () => {
    expect(onnxGraphInfo(onnxModel(valueInfo(11, 'x', 14, [2]))).signature).toBeNull();
    expect(onnxGraphInfo(int(1, 8))).toEqual({ signature: null, externalData: [] });
  });

  it('throws ProtobufError when the bytes are truncated or use groups', () => {
    const model = onnxModel(valueInfo(11, 'x', 1, [2]));
    expect(() => onnxGraphInfo(model.subarray(0, model.length - 3))).toThrow(ProtobufError);
    expect(() => onnxGraphInfo(Uint8Array.of(0x0b))).toThrow(/wire type 3/);
    expect(() => onnxGraphInfo(Uint8Array.of(0x08))).toThrow(/varint runs past the end/);
    expect(() => onnxGraphInfo(Uint8Array.of(0x08, ...new Array<number>(11).fill(0xff)))).toThrow(/longer than 10 bytes/);
    expect(() => onnxGraphInfo(Uint8Array.of(0x09, 1, 2))).toThrow(/fixed-width/);
    expect(() => onnxGraphInfo(len(7, 'ab').subarray(0, 3))).toThrow(/runs past the end/);
  });
});

describe('protoFields', () => {
  it('reads fixed-width fields little-endian when wire types 1 and 5 appear', () => {
    const fields = [...protoFields(Uint8Array.of(0x0d, 1, 0, 0, 0, 0x11, 2, 0, 0, 0, 0, 0, 0, 0))];
    expect(fields.map((f) => (f.wire === 2 ? -1 : protoInt(f)))).toEqual([1, 2]);
  });
});
