import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Tensor, V2_HEADER_CONTENT_LENGTH, bodyBytes, encodeInferRequest } from '@inferox/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FIXTURES, startTestServer } from './test-server.fixture';

const reference = JSON.parse(readFileSync(join(FIXTURES, 'tiny-bert-hf/reference.json'), 'utf8')) as { inputs: Record<string, number[][]> };
const names = ['input_ids', 'attention_mask', 'token_type_ids'];
const jsonRequest = { id: 'r1', inputs: names.map((name) => ({ name, datatype: 'INT64', shape: [3, 12], data: reference.inputs[name]!.flat() })) };
const feeds = () => Object.fromEntries(names.map((n) => [n, Tensor.from('int64', reference.inputs[n]!.flat().map(BigInt), [3, 12])]));

let ctx: Awaited<ReturnType<typeof startTestServer>>;
beforeAll(async () => {
  ctx = await startTestServer(
    [
      { name: 'bert', source: join(FIXTURES, 'tiny-bert-hf/model.onnx'), task: 'tensor', backends: ['onnx'] },
      { name: 'bert-tfjs', source: join(FIXTURES, 'tiny-bert-hf'), task: 'tensor', backends: ['tfjs'] },
    ],
    { tfjs: true },
  );
});
afterAll(async () => ctx?.server.close());

const post = (path: string, body: unknown, headers: Record<string, string> = { 'content-type': 'application/json' }) =>
  fetch(ctx.url + path, { method: 'POST', headers, body: typeof body === 'string' || body instanceof Uint8Array ? body : JSON.stringify(body) });

describe('v2 routes', () => {
  it('lists exactly the implemented extensions when asked for server metadata', async () => {
    const body = await (await fetch(`${ctx.url}/v2`)).json();
    expect(body).toEqual({ name: 'inferox', version: '0.1.0', extensions: ['binary_tensor_data', 'statistics'] });
  });

  it('answers the JSON infer with the engine outputs exactly', async () => {
    const res = await post('/v2/models/bert/infer', jsonRequest);
    expect(res.status).toBe(200);
    const body = (await res.json()) as { model_name: string; id: string; outputs: { name: string; shape: number[]; data: number[] }[] };
    const direct = await ctx.engine.infer('bert', feeds());
    expect(body.model_name).toBe('bert');
    expect(body.id).toBe('r1');
    for (const out of body.outputs) {
      expect(out.shape).toEqual([...direct.outputs[out.name]!.shape]);
      expect(Float32Array.from(out.data)).toEqual(direct.outputs[out.name]!.data);
    }
  });

  it('answers the binary infer with binary outputs equal to the engine outputs', async () => {
    const encoded = encodeInferRequest({ inputs: feeds(), binary: true, outputs: [{ name: 'pooler_output', binary: true }] });
    const res = await post('/v2/models/bert/versions/1/infer', bodyBytes(encoded), {
      'content-type': 'application/octet-stream',
      [V2_HEADER_CONTENT_LENGTH]: String(encoded.headerLength),
    });
    expect(res.status).toBe(200);
    const headerLength = Number(res.headers.get(V2_HEADER_CONTENT_LENGTH));
    const bytes = new Uint8Array(await res.arrayBuffer());
    const header = JSON.parse(new TextDecoder().decode(bytes.subarray(0, headerLength))) as { outputs: { name: string; shape: number[]; parameters: { binary_data_size: number } }[] };
    expect(header.outputs.map((o) => o.name)).toEqual(['pooler_output']);
    const data = new Float32Array(bytes.slice(headerLength).buffer);
    const direct = await ctx.engine.infer('bert', feeds());
    expect(data).toEqual(direct.outputs.pooler_output!.data);
  });

  it('answers JSON with nested data from a tfjs (wasm) replica equal to the engine outputs exactly', async () => {
    const nested = { inputs: names.map((name) => ({ name, datatype: 'INT64', shape: [3, 12], data: reference.inputs[name] })) };
    const res = await post('/v2/models/bert-tfjs/infer', { ...nested, outputs: [{ name: 'pooler_output' }] });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { model_name: string; outputs: { name: string; datatype: string; data: number[] }[]; };
    const direct = await ctx.engine.infer('bert-tfjs', feeds());
    expect(body.outputs.map((o) => [o.name, o.datatype])).toEqual([['pooler_output', 'FP32']]);
    expect(Float32Array.from(body.outputs[0]!.data)).toEqual(direct.outputs.pooler_output!.data);
    const meta = (await (await fetch(`${ctx.url}/v2/models/bert-tfjs`)).json()) as { platform: string };
    expect(meta.platform).toBe('tfjs');
  });

  it('answers a JSON request with binary_data_output in binary, every output equal to the engine', async () => {
    const res = await post('/v2/models/bert/infer', { ...jsonRequest, parameters: { binary_data_output: true } });
    expect(res.headers.get('content-type')).toBe('application/octet-stream');
    const headerLength = Number(res.headers.get(V2_HEADER_CONTENT_LENGTH));
    const bytes = new Uint8Array(await res.arrayBuffer());
    const header = JSON.parse(new TextDecoder().decode(bytes.subarray(0, headerLength))) as { id: string; outputs: { name: string; parameters: { binary_data_size: number } }[] };
    expect(header.id).toBe('r1');
    const direct = await ctx.engine.infer('bert', feeds());
    let at = headerLength;
    for (const out of header.outputs) {
      const size = out.parameters.binary_data_size;
      expect(new Float32Array(bytes.slice(at, at + size).buffer)).toEqual(direct.outputs[out.name]!.data);
      at += size;
    }
    expect(at).toBe(bytes.length);
  });
});
