import { open, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { ErrorCode, InferoxError, SAFETENSORS_MAX_HEADER_BYTES, bfloat16BitsToNumber, float16BitsToNumber } from '@inferox/core';
import { z } from 'zod';

/** A sequence-classification head read from a checkpoint: `logits = pooled × weightᵀ + bias`. */
export interface ClassifierHead {
  readonly labels: number;
  readonly hidden: number;
  /** `[labels, hidden]`, row-major. */
  readonly weight: Float32Array;
  readonly bias: Float32Array;
}

const entrySchema = z.object({ dtype: z.string(), shape: z.array(z.number().int().nonnegative()), data_offsets: z.tuple([z.number().int().nonnegative(), z.number().int().nonnegative()]) });
const indexSchema = z.object({ weight_map: z.record(z.string(), z.string()) });

const invalid = (file: string, why: string, cause?: unknown): InferoxError =>
  new InferoxError(ErrorCode.PACKAGE_INVALID, `${file}: ${why}`, { cause, details: { file } });

/** Reads named float tensors of one safetensors file without reading the rest of it. */
async function readTensors(file: string, names: readonly string[]): Promise<Map<string, { shape: number[]; data: Float32Array }>> {
  const handle = await open(file, 'r').catch((error: unknown) => {
    throw invalid(file, 'cannot be opened', error);
  });
  try {
    const size = (await handle.stat()).size;
    const prefix = Buffer.alloc(8);
    await handle.read(prefix, 0, 8, 0);
    const headerLength = Number(prefix.readBigUInt64LE(0));
    if (size < 8 || headerLength > SAFETENSORS_MAX_HEADER_BYTES || 8 + headerLength > size) throw invalid(file, `bad safetensors header length ${headerLength}`);
    const header = Buffer.alloc(headerLength);
    await handle.read(header, 0, headerLength, 8);
    let json: Record<string, unknown>;
    try {
      json = JSON.parse(header.toString('utf8')) as Record<string, unknown>;
    } catch (error) {
      throw invalid(file, 'safetensors header is not JSON', error);
    }
    const out = new Map<string, { shape: number[]; data: Float32Array }>();
    for (const name of names) {
      const parsed = entrySchema.safeParse(json[name]);
      if (!parsed.success) continue;
      const { dtype, shape, data_offsets: [begin, end] } = parsed.data;
      const count = shape.reduce((a, b) => a * b, 1);
      const width = dtype === 'F32' ? 4 : dtype === 'F16' || dtype === 'BF16' ? 2 : 0;
      if (width === 0) throw invalid(file, `${name} has dtype ${dtype}; the head reads F32, F16 and BF16`);
      if (end - begin !== count * width || 8 + headerLength + end > size) throw invalid(file, `${name}: data offsets ${begin}..${end} do not fit its shape or the file`);
      const bytes = Buffer.alloc(end - begin);
      await handle.read(bytes, 0, bytes.length, 8 + headerLength + begin);
      const data = new Float32Array(count);
      for (let i = 0; i < count; i++) {
        data[i] = width === 4 ? bytes.readFloatLE(i * 4) : dtype === 'F16' ? float16BitsToNumber(bytes.readUInt16LE(i * 2)) : bfloat16BitsToNumber(bytes.readUInt16LE(i * 2));
      }
      out.set(name, { shape, data });
    }
    return out;
  } finally {
    await handle.close();
  }
}

/**
 * Reads `classifier.weight` and `classifier.bias` of a `*ForSequenceClassification` checkpoint (`model.safetensors`
 * or a sharded index), for backends whose graph ends at `pooler_output`.
 *
 * @throws InferoxError `PACKAGE_INVALID` naming the file when the head is missing or malformed.
 */
export async function readClassifierHead(dir: string): Promise<ClassifierHead> {
  const names = ['classifier.weight', 'classifier.bias'];
  const single = join(dir, 'model.safetensors');
  const files = new Map<string, string[]>();
  const exists = await stat(single).then(
    () => true,
    () => false,
  );
  if (exists) files.set(single, names);
  else {
    const indexFile = join(dir, 'model.safetensors.index.json');
    let index: z.infer<typeof indexSchema>;
    try {
      index = indexSchema.parse(JSON.parse(await readFile(indexFile, 'utf8')));
    } catch (error) {
      throw invalid(single, 'missing (no model.safetensors or valid model.safetensors.index.json to read the classifier head from)', error);
    }
    for (const name of names) {
      const shard = index.weight_map[name];
      if (shard === undefined || shard.includes('..')) continue;
      const file = join(dir, shard);
      files.set(file, [...(files.get(file) ?? []), name]);
    }
  }
  const found = new Map<string, { shape: number[]; data: Float32Array }>();
  for (const [file, wanted] of files) for (const [name, tensor] of await readTensors(file, wanted)) found.set(name, tensor);
  const weight = found.get('classifier.weight');
  const bias = found.get('classifier.bias');
  if (!weight || weight.shape.length !== 2 || !bias || bias.shape.length !== 1 || bias.shape[0] !== weight.shape[0]) {
    throw invalid(single, 'has no classifier.weight [labels, hidden] with classifier.bias [labels]: not a sequence-classification checkpoint');
  }
  return { labels: weight.shape[0]!, hidden: weight.shape[1]!, weight: weight.data, bias: bias.data };
}
