import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FIXTURES, startTestServer } from './test-server.fixture';

let ctx: Awaited<ReturnType<typeof startTestServer>>;
beforeAll(async () => {
  ctx = await startTestServer(
    [
      { name: 'bert', source: join(FIXTURES, 'tiny-bert-hf/model.onnx'), task: 'tensor', backends: ['onnx'] },
      { name: 'st', source: join(FIXTURES, 'tiny-bert-st'), backends: ['onnx'] },
    ],
    { limits: { bodyLimitBytes: 64 * 1024 } },
  );
});
afterAll(async () => ctx?.server.close());

const routes = ['/v2/models/bert/infer', '/v2/models/st/infer', '/v1/embeddings', '/embed', '/rerank', '/predict', '/tokenize'];
// Bodies close to valid ones, so the fuzz reaches past the schema into the codec and the models.
const tensorish = fc.record(
  {
    name: fc.oneof(fc.constantFrom('input_ids', 'attention_mask', 'token_type_ids', 'text'), fc.string()),
    datatype: fc.oneof(fc.constantFrom('INT64', 'INT32', 'FP32', 'FP16', 'BOOL', 'BYTES', 'UINT64'), fc.string()),
    shape: fc.array(fc.oneof(fc.integer({ min: -2, max: 4 }), fc.constant(1_000_000_000)), { maxLength: 4 }),
    data: fc.oneof(fc.array(fc.oneof(fc.integer(), fc.double(), fc.string(), fc.boolean()), { maxLength: 16 }), fc.jsonValue()),
    parameters: fc.dictionary(fc.constantFrom('binary_data_size', 'binary_data'), fc.oneof(fc.integer({ min: -1, max: 64 }), fc.boolean())),
  },
  { requiredKeys: [] },
);
const body = fc.oneof(
  fc.jsonValue(),
  fc.record({ inputs: fc.array(tensorish, { maxLength: 3 }), outputs: fc.array(fc.record({ name: fc.string() }), { maxLength: 2 }), parameters: fc.dictionary(fc.string(), fc.jsonValue()) }, { requiredKeys: ['inputs'] }),
  fc.record({ model: fc.constantFrom('st', 'bert', 'nope'), input: fc.oneof(fc.string(), fc.array(fc.string(), { maxLength: 4 }), fc.array(fc.integer({ min: -5, max: 40_000 }), { maxLength: 8 }), fc.jsonValue()), encoding_format: fc.constantFrom('float', 'base64', 'x'), dimensions: fc.integer({ min: -1, max: 100 }) }, { requiredKeys: [] }),
  fc.record({ inputs: fc.oneof(fc.string(), fc.array(fc.oneof(fc.string(), fc.array(fc.string(), { maxLength: 3 })), { maxLength: 4 })), query: fc.string(), texts: fc.array(fc.string(), { maxLength: 4 }), truncate: fc.boolean(), raw_scores: fc.jsonValue() }, { requiredKeys: [] }),
);

describe('the server under fuzzed bodies', () => {
  it('answers every body with a well-formed response, never a 500 or a stack, and keeps serving', async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...routes), fc.oneof(body.map((b) => JSON.stringify(b)), fc.string({ maxLength: 64 })), async (route, payload) => {
        const res = await ctx.server.app.inject({ method: 'POST', url: route, headers: { 'content-type': 'application/json' }, payload });
        expect([200, 400, 404, 413]).toContain(res.statusCode);
        const parsed = JSON.parse(res.body) as unknown;
        if (res.statusCode !== 200) {
          const error = (parsed as { error: unknown }).error;
          expect(typeof error === 'string' || typeof (error as { message?: unknown }).message === 'string').toBe(true);
          expect(res.body).not.toMatch(/\n\s+at |node_modules|\/work\//);
        }
      }),
      { numRuns: 300 },
    );
    const ok = await ctx.server.app.inject({ method: 'POST', url: '/embed', headers: { 'content-type': 'application/json' }, payload: '{"inputs":"still here"}' });
    expect(ok.statusCode).toBe(200);
  }, 120_000);

  it('answers random binary bodies with a well-formed 400 or 200 whatever the header length says', async () => {
    const header = JSON.stringify({ inputs: [{ name: 'input_ids', datatype: 'INT64', shape: [1, 2], parameters: { binary_data_size: 16 } }] });
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ maxLength: 64 }), fc.oneof(fc.constant(header.length), fc.integer({ min: -3, max: 200 }).map(String), fc.string({ maxLength: 8 })), async (tail, length) => {
        const payload = Buffer.concat([Buffer.from(header), Buffer.from(tail)]);
        const res = await ctx.server.app.inject({
          method: 'POST',
          url: '/v2/models/bert/infer',
          headers: { 'content-type': 'application/octet-stream', 'inference-header-content-length': String(length) },
          payload,
        });
        expect([200, 400]).toContain(res.statusCode);
        if (res.statusCode === 400) expect(typeof (JSON.parse(res.body) as { error: unknown }).error).toBe('string');
      }),
      { numRuns: 300 },
    );
  });
});
