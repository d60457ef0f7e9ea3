import { mkdir, readFile, rename, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { type DType, type SafetensorsInput, Tensor, parseSafetensors, serializeSafetensors } from '@inferox/core';
import { type BertForwardConfig, bertForward, expectBertReference, maxAbsDiff, rejectionOf } from '@inferox/core/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createOnnxBackend } from './create-onnx-backend';
import { exportOnnx } from './export-onnx';
import { BERT_DIR, bertFeeds, expectedHidden, floatBytes, mlpForward, reference, tempDir, writeMlp } from './internal/test-fixtures.fixture';

const backend = createOnnxBackend();
let tmp: { dir: string; remove: () => Promise<void> };
let counter = 0;
let bertTensors: Map<string, SafetensorsInput>;
let bertConfig: BertForwardConfig;

beforeAll(async () => {
  tmp = await tempDir();
  const parsed = parseSafetensors(await readFile(join(BERT_DIR, 'model.safetensors')));
  bertTensors = new Map([...parsed.tensors].map(([name, t]) => [name, { dtype: t.dtype, shape: t.shape, bytes: t.bytes }]));
  bertConfig = JSON.parse(await readFile(join(BERT_DIR, 'config.json'), 'utf8')) as BertForwardConfig;
});
afterAll(async () => {
  await backend.dispose();
  await tmp.remove();
});

async function folder(): Promise<string> {
  const dir = join(tmp.dir, `ckpt-${counter++}`);
  await mkdir(dir);
  return dir;
}

/** A BERT checkpoint: the fixture's config patched, weights linked or rewritten. */
async function bertVariant(patch: Record<string, unknown>, tensors?: (all: Map<string, SafetensorsInput>) => Map<string, SafetensorsInput>): Promise<string> {
  const dir = await folder();
  const config = JSON.parse(await readFile(join(BERT_DIR, 'config.json'), 'utf8')) as Record<string, unknown>;
  await writeFile(join(dir, 'config.json'), JSON.stringify({ ...config, ...patch }));
  if (tensors) await writeFile(join(dir, 'model.safetensors'), serializeSafetensors(Object.fromEntries(tensors(new Map(bertTensors)))));
  else await symlink(join(BERT_DIR, 'model.safetensors'), join(dir, 'model.safetensors'));
  return dir;
}

const MLP_INPUT = Array.from({ length: 20 }, (_, i) => ((i * 5) % 11) / 4 - 1.2);

describe('exportOnnx', () => {
  it('writes bytes that reproduce reference.json when the BERT checkpoint is exported and loaded', async () => {
    const bytes = await exportOnnx(BERT_DIR, { opset: 18 });
    expect(bytes).toBeInstanceOf(Uint8Array);
    const path = join(await folder(), 'bert.onnx');
    await writeFile(path, bytes);
    await using handle = await backend.loadModel(path);
    expectBertReference(await handle.run(bertFeeds()), reference);
  });

  it('throws INVALID_INPUT naming opset when it is below 17 or above 26', async () => {
    for (const opset of [16, 27]) {
      const error = await rejectionOf(exportOnnx(BERT_DIR, { opset }));
      expect(error.code).toBe('INVALID_INPUT');
      expect(error.message).toContain(`opset must be an integer from 17 (LayerNormalization) to 26, got ${opset}`);
    }
  });

  it('rejects with INVALID_INPUT naming a folder that does not exist, as loadModel does, and accepts config.json', async () => {
    const error = await rejectionOf(exportOnnx(join(tmp.dir, 'no-such-folder')));
    expect(error.code).toBe('INVALID_INPUT');
    expect(error.message).toContain('no-such-folder" does not exist');
    expect((await exportOnnx(join(BERT_DIR, 'config.json'))).length).toBeGreaterThan(8_000_000);
  });

  it('rejects with CANCELLED when the signal is aborted', async () => {
    const error = await rejectionOf(exportOnnx(BERT_DIR, { signal: AbortSignal.abort() }));
    expect(error.code).toBe('CANCELLED');
  });

  describe('bert', () => {
    it('reads weights under the bert. prefix when the checkpoint has a task head', async () => {
      const dir = await bertVariant({}, (all) => new Map([...all].map(([name, t]) => [`bert.${name}`, t])));
      await using handle = await backend.loadModel(dir);
      expectBertReference(await handle.run(bertFeeds()), reference, { outputs: ['last_hidden_state'] });
    });

    it('leaves out pooler_output when the checkpoint has no pooler', async () => {
      const dir = await bertVariant({}, (all) => new Map([...all].filter(([name]) => !name.startsWith('pooler.'))));
      await using handle = await backend.loadModel(dir);
      expect(handle.signature.outputs.map((o) => o.name)).toEqual(['last_hidden_state']);
      expectBertReference(await handle.run(bertFeeds()), reference, { outputs: ['last_hidden_state'] });
    });

    it('converts float16 weights to float32 when the checkpoint is F16', async () => {
      const dir = await bertVariant({}, (all) =>
        new Map([...all].map(([name, t]) => [name, { dtype: 'float16' as DType, shape: t.shape, bytes: floatBytes(new Float32Array(new Uint8Array(t.bytes).buffer), 'float16') }])),
      );
      await using handle = await backend.loadModel(dir);
      const out = await handle.run(bertFeeds());
      const diff = maxAbsDiff(out.last_hidden_state!.data as Float32Array, expectedHidden);
      expect(diff).toBeGreaterThan(0);
      expect(diff).toBeLessThan(0.05);
    });

    it('serves any sizes the config gives and ignores masked tokens when built from a 3-head, 1-layer config', async () => {
      const [vocab, hidden, heads, inter, positions] = [50, 12, 3, 20, 16];
      const shapes: Record<string, number[]> = {
        'embeddings.word_embeddings.weight': [vocab, hidden],
        'embeddings.position_embeddings.weight': [positions, hidden],
        'embeddings.token_type_embeddings.weight': [2, hidden],
        'embeddings.LayerNorm.weight': [hidden],
        'embeddings.LayerNorm.bias': [hidden],
        'pooler.dense.weight': [hidden, hidden],
        'pooler.dense.bias': [hidden],
      };
      const p = 'encoder.layer.0';
      for (const name of ['query', 'key', 'value']) Object.assign(shapes, { [`${p}.attention.self.${name}.weight`]: [hidden, hidden], [`${p}.attention.self.${name}.bias`]: [hidden] });
      Object.assign(shapes, {
        [`${p}.attention.output.dense.weight`]: [hidden, hidden],
        [`${p}.attention.output.dense.bias`]: [hidden],
        [`${p}.attention.output.LayerNorm.weight`]: [hidden],
        [`${p}.attention.output.LayerNorm.bias`]: [hidden],
        [`${p}.intermediate.dense.weight`]: [inter, hidden],
        [`${p}.intermediate.dense.bias`]: [inter],
        [`${p}.output.dense.weight`]: [hidden, inter],
        [`${p}.output.dense.bias`]: [hidden],
        [`${p}.output.LayerNorm.weight`]: [hidden],
        [`${p}.output.LayerNorm.bias`]: [hidden],
      });
      const dir = await folder();
      const tensors = Object.entries(shapes).map(([name, shape], k) => {
        const count = shape.reduce((a, b) => a * b, 1);
        return [name, { dtype: 'float32' as DType, shape, bytes: floatBytes(Array.from({ length: count }, (_, i) => Math.sin(i * 1.7 + k) * 0.5), 'float32') }] as const;
      });
      await writeFile(join(dir, 'model.safetensors'), serializeSafetensors(Object.fromEntries(tensors)));
      const config = { model_type: 'bert', vocab_size: vocab, hidden_size: hidden, num_attention_heads: heads, num_hidden_layers: 1, intermediate_size: inter, max_position_embeddings: positions, hidden_act: 'gelu' };
      await writeFile(join(dir, 'config.json'), JSON.stringify(config));
      await using handle = await backend.loadModel(dir);
      const feeds = (padId: bigint) => ({
        input_ids: Tensor.from('int64', [3n, 7n, 9n, padId, padId], [1, 5]),
        attention_mask: Tensor.from('int64', [1n, 1n, 1n, 0n, 0n], [1, 5]),
        token_type_ids: Tensor.zeros('int64', [1, 5]),
      });
      const a = await handle.run(feeds(0n));
      const b = await handle.run(feeds(42n));
      expect(a.last_hidden_state!.shape).toEqual([1, 5, hidden]);
      expect(a.pooler_output!.shape).toEqual([1, hidden]);
      const kept = (t: Tensor) => Array.from(t.data as Float32Array).slice(0, 3 * hidden);
      expect(maxAbsDiff(kept(a.last_hidden_state!), kept(b.last_hidden_state!))).toBeLessThan(1e-6);
      expect(maxAbsDiff(a.last_hidden_state!.data as Float32Array, b.last_hidden_state!.data as Float32Array)).toBeGreaterThan(1e-3);
    });

    it.each([
      ['relu', 'relu'],
      ['gelu_new', 'gelu_new'],
      ['gelu_pytorch_tanh', 'gelu_new'],
      ['silu', 'silu'],
      ['swish', 'silu'],
    ])('computes hidden_act %s by its formula (%s), matching the plain-JavaScript forward pass', async (act, formula) => {
      await using handle = await backend.loadModel(await bertVariant({ hidden_act: act }));
      const expected = bertForward(bertTensors, bertConfig, reference.inputs, formula);
      const out = await handle.run(bertFeeds());
      // Tight enough to tell the tanh GELU from the erf one (they differ by 3.6e-6 on this model).
      expectBertReference(out, expected, { tolerance: 1e-6 });
      expect(maxAbsDiff(out.last_hidden_state!.data as Float32Array, expectedHidden)).toBeGreaterThan(formula === 'gelu_new' ? 1e-6 : 1e-3);
    });

    it.each<[Record<string, unknown>, string]>([
      [{ hidden_act: 'quick_gelu' }, 'field "hidden_act" must be one of gelu, gelu_new, gelu_pytorch_tanh, relu, tanh, silu, swish, got "quick_gelu"'],
      [{ num_attention_heads: 3 }, 'field "num_attention_heads" must divide hidden_size (64), got 3'],
      [{ hidden_size: '64' }, 'field "hidden_size" must be a positive integer, got "64"'],
      [{ vocab_size: undefined }, 'field "vocab_size" must be a positive integer, got nothing'],
      [{ layer_norm_eps: -1 }, 'field "layer_norm_eps" must be a positive number, got -1'],
      [{ position_embedding_type: 'relative_key' }, 'field "position_embedding_type" must be one of absolute, got "relative_key"'],
      [{ num_hidden_layers: 3 }, 'missing weight tensor "encoder.layer.2.attention.self.query.weight"'],
      [{ intermediate_size: 128 }, 'weight tensor "encoder.layer.0.intermediate.dense.weight" has shape [256, 64], the config needs [128, 64]'],
      [{ model_type: 'gpt2' }, 'model_type "gpt2" is not built by the onnx backend; it builds bert, inferox-mlp'],
      [{ model_type: 7 }, 'field "model_type" must be a non-empty string, got 7'],
    ])('rejects with PACKAGE_INVALID naming the field or tensor when config.json has %j', async (patch, message) => {
      const error = await rejectionOf(backend.loadModel(await bertVariant(patch)));
      expect(error.code).toBe('PACKAGE_INVALID');
      expect(error.message).toContain(message);
    });
  });

  describe('inferox-mlp', () => {
    it.each(['relu', 'gelu', 'tanh'])('matches a plain-JS forward pass when hidden_act is %s', async (act) => {
      const dir = await folder();
      const sizes = [10, 8, 8, 3];
      const { weights, biases } = await writeMlp(dir, sizes, { hiddenAct: act });
      await using handle = await backend.loadModel(dir);
      expect(handle.metadata.architecture).toBe('inferox-mlp');
      expect(handle.signature).toEqual({
        inputs: [{ name: 'input', dtype: 'float32', shape: ['batch', 10] }],
        outputs: [{ name: 'logits', dtype: 'float32', shape: ['batch', 3] }],
      });
      const { logits } = await handle.run({ input: Tensor.from('float32', MLP_INPUT, [2, 10]) });
      expect(logits!.shape).toEqual([2, 3]);
      expect(maxAbsDiff(logits!.data as Float32Array, mlpForward(MLP_INPUT, sizes, weights, biases, act))).toBeLessThanOrEqual(1e-5);
    });

    it('defaults hidden_act to relu and serves a single linear layer when layer_sizes has two entries', async () => {
      const dir = await folder();
      const { weights, biases } = await writeMlp(dir, [10, 2]);
      await using handle = await backend.loadModel(dir);
      const { logits } = await handle.run({ input: Tensor.from('float32', MLP_INPUT, [2, 10]) });
      expect(maxAbsDiff(logits!.data as Float32Array, mlpForward(MLP_INPUT, [10, 2], weights, biases, 'relu'))).toBeLessThanOrEqual(1e-5);
    });

    it.each<DType>(['float16', 'bfloat16', 'float64'])('gives the float32 outputs exactly when the weights are stored as %s', async (dtype) => {
      const sizes = [10, 8, 3];
      const reference = await folder();
      await writeMlp(reference, sizes, { hiddenAct: 'tanh' });
      const converted = await folder();
      await writeMlp(converted, sizes, { hiddenAct: 'tanh', dtype });
      const input = Tensor.from('float32', MLP_INPUT, [2, 10]);
      await using a = await backend.loadModel(reference);
      await using b = await backend.loadModel(converted);
      expect(Array.from((await b.run({ input })).logits!.data as Float32Array)).toEqual(Array.from((await a.run({ input })).logits!.data as Float32Array));
    });

    it.each<[Record<string, unknown>, string]>([
      [{ model_type: 'inferox-mlp' }, 'field "layer_sizes" must be an array of at least 2 positive integers, got nothing'],
      [{ model_type: 'inferox-mlp', layer_sizes: [4] }, 'field "layer_sizes" must be an array of at least 2 positive integers, got [4]'],
      [{ model_type: 'inferox-mlp', layer_sizes: [4, 0] }, 'field "layer_sizes" must be an array of at least 2 positive integers'],
      [{ model_type: 'inferox-mlp', layer_sizes: [10, 8, 8, 3], hidden_act: 'swish' }, 'field "hidden_act" must be one of relu, gelu, tanh, got "swish"'],
      [{ model_type: 'inferox-mlp', layer_sizes: [10, 8, 8, 4] }, 'weight tensor "layers.2.weight" has shape [3, 8], the config needs [4, 8]'],
    ])('rejects with PACKAGE_INVALID naming the field or tensor when config.json is %j', async (config, message) => {
      const dir = await folder();
      await writeMlp(dir, [10, 8, 8, 3], { config });
      const error = await rejectionOf(backend.loadModel(dir));
      expect(error.code).toBe('PACKAGE_INVALID');
      expect(error.message).toContain(message);
      expect(error.message).toContain(dir);
    });

    it('rejects with PACKAGE_INVALID naming the tensor when one is missing or not floating point', async () => {
      const missing = await folder();
      await writeMlp(missing, [10, 8, 3], { skip: 'layers.1.bias' });
      const gone = await rejectionOf(backend.loadModel(missing));
      expect(gone.code).toBe('PACKAGE_INVALID');
      expect(gone.message).toContain('missing weight tensor "layers.1.bias"');
      const ints = await folder();
      await writeMlp(ints, [2, 2]);
      await writeFile(
        join(ints, 'model.safetensors'),
        serializeSafetensors({
          'layers.0.weight': { dtype: 'int32', shape: [2, 2], bytes: new Uint8Array(16) },
          'layers.0.bias': { dtype: 'float32', shape: [2], bytes: new Uint8Array(8) },
        }),
      );
      const wrong = await rejectionOf(backend.loadModel(ints));
      expect(wrong.code).toBe('PACKAGE_INVALID');
      expect(wrong.message).toContain('tensor "layers.0.weight" is I32; checkpoint weights must be floating point (F32, F16, BF16, F64)');
    });
  });

  describe('checkpoint files', () => {
    it('rejects with PACKAGE_INVALID naming the file when config.json or the weights are broken', async () => {
      const notJson = await folder();
      await writeFile(join(notJson, 'config.json'), '{ model_type: bert');
      expect((await rejectionOf(exportOnnx(notJson))).message).toContain(`${join(notJson, 'config.json')}: not valid JSON`);
      const list = await folder();
      await writeFile(join(list, 'config.json'), '[]');
      expect((await rejectionOf(exportOnnx(list))).message).toContain('config.json: must hold a JSON object');
      const none = await folder();
      const noConfig = await rejectionOf(exportOnnx(none));
      expect(noConfig.code).toBe('PACKAGE_INVALID');
      expect(noConfig.message).toContain(`${join(none, 'config.json')}: cannot read: no such file`);
      const noWeights = await folder();
      await writeFile(join(noWeights, 'config.json'), JSON.stringify({ model_type: 'inferox-mlp', layer_sizes: [2, 2] }));
      expect((await rejectionOf(exportOnnx(noWeights))).message).toContain('has neither model.safetensors nor model.safetensors.index.json');
      await writeFile(join(noWeights, 'model.safetensors'), 'not safetensors at all');
      const corrupt = await rejectionOf(exportOnnx(noWeights));
      expect(corrupt.code).toBe('PACKAGE_INVALID');
      expect(corrupt.message).toContain(`${join(noWeights, 'model.safetensors')}: invalid safetensors`);
    });

    it('rejects with PACKAGE_INVALID naming the index or shard when model.safetensors.index.json is broken', async () => {
      const cases: [unknown, string][] = [
        ['{', 'model.safetensors.index.json: not valid JSON'],
        [{ metadata: {} }, 'weight_map must be an object of tensor name → shard file name'],
        [{ weight_map: { 'layers.0.weight': 'missing.safetensors' } }, 'shard "missing.safetensors": '],
        [{ weight_map: { 'layers.0.weight': '../escape.safetensors' } }, 'maps to shard "../escape.safetensors", which is not a file inside the checkpoint folder'],
        [{ weight_map: { 'layers.9.weight': 'shard.safetensors' } }, 'tensor "layers.9.weight" listed in model.safetensors.index.json is not in the shard'],
      ];
      for (const [index, message] of cases) {
        const dir = await folder();
        await writeMlp(dir, [2, 2]);
        // model.safetensors would be read first (as transformers does): keep only the index and a shard.
        await rename(join(dir, 'model.safetensors'), join(dir, 'shard.safetensors'));
        await writeFile(join(dir, 'model.safetensors.index.json'), typeof index === 'string' ? index : JSON.stringify(index));
        const error = await rejectionOf(exportOnnx(dir));
        expect(error.code).toBe('PACKAGE_INVALID');
        expect(error.message).toContain(message);
      }
    });
  });
});
