import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Tensor } from '@inferox/core';
import { expectInferoxError, maxAbsDiff } from '@inferox/core/testing';
import { createTfjsBackend } from '../../create-tfjs-backend';
import type { TfjsBackend } from '../../tfjs-backend';
import { tempDir } from '../test-fixtures.fixture';

/** Saves a LayersModel with tfjs' own `model.save`, through an IO handler writing model.json and `shards` weight files. */
async function saveLayersModel(model: tfl.LayersModel, dir: string, shards: number): Promise<void> {
  await mkdir(dir, { recursive: true });
  await model.save({
    save: async (artifacts) => {
      const data = new Uint8Array(tf.io.CompositeArrayBuffer.join(artifacts.weightData!));
      const size = Math.ceil(data.byteLength / shards);
      const paths: string[] = [];
      for (let i = 0; i < shards; i++) {
        paths.push(`group1-shard${i + 1}of${shards}.bin`);
        await writeFile(join(dir, paths[i]!), data.subarray(i * size, (i + 1) * size));
      }
      const { modelTopology, format, generatedBy, convertedBy, weightSpecs } = artifacts;
      await writeFile(join(dir, 'model.json'), JSON.stringify({ modelTopology, format, generatedBy, convertedBy, weightsManifest: [{ paths, weights: weightSpecs }] }));
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
    },
  });
}

const W = Float32Array.from([0.5, -1, 2, 0.25, -0.75, 1.5]);
const B = Float32Array.from([0.1, -0.2]);

/** A GraphModel written by hand: Identity = relu(x · w + b), x float32 [-1, 3], w [3, 2] and b [2] in one shard. */
async function writeGraphModel(dir: string, extra: Record<string, unknown> = {}): Promise<void> {
  await mkdir(dir, { recursive: true });
  const float = { type: 'DT_FLOAT' };
  const dims = (...d: number[]): { dim: { size: string }[] } => ({ dim: d.map((n) => ({ size: String(n) })) });
  const modelTopology = {
    node: [
      { name: 'x', op: 'Placeholder', attr: { dtype: float, shape: { shape: dims(-1, 3) } } },
      { name: 'w', op: 'Const', attr: { dtype: float, value: { tensor: { dtype: 'DT_FLOAT', tensorShape: dims(3, 2) } } } },
      { name: 'b', op: 'Const', attr: { dtype: float, value: { tensor: { dtype: 'DT_FLOAT', tensorShape: dims(2) } } } },
      { name: 'MatMul', op: 'MatMul', input: ['x', 'w'], attr: { T: float, transpose_a: { b: false }, transpose_b: { b: false } } },
      { name: 'add', op: 'AddV2', input: ['MatMul', 'b'], attr: { T: float } },
      { name: 'Identity', op: 'Relu', input: ['add'], attr: { T: float } },
    ],
    library: {},
    versions: { producer: 1 },
  };
  const weights = new Uint8Array(new Float32Array([...W, ...B]).buffer);
  await writeFile(join(dir, 'weights.bin'), weights);
  await writeFile(
    join(dir, 'model.json'),
    JSON.stringify({
      format: 'graph-model',
      generatedBy: 'hand',
      convertedBy: 'inferox test',
      modelTopology,
      weightsManifest: [{ paths: ['weights.bin'], weights: [{ name: 'w', shape: [3, 2], dtype: 'float32' }, { name: 'b', shape: [2], dtype: 'float32' }] }],
      ...extra,
    }),
  );
}

function graphReference(x: Float32Array, rows: number): number[] {
  const out: number[] = [];
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < 2; c++) {
      let sum = B[c]!;
      for (let k = 0; k < 3; k++) sum += x[r * 3 + k]! * W[k * 2 + c]!;
      out.push(Math.max(0, sum));
    }
  }
  return out;
}

/**
 * Registers the TF.js folder tests against one real runtime: a LayersModel written by tfjs' own `model.save`, and
 * GraphModels written by hand (tfjs in JavaScript cannot write the converter's graph-model format).
 */
export function describeLoadTfjsModel(runtime: 'wasm' | 'cpu'): void {
  describe(`loadTfjsModel on ${runtime}`, () => {
    let backend: TfjsBackend;
    let temp: Awaited<ReturnType<typeof tempDir>>;

    beforeAll(async () => {
      backend = createTfjsBackend({ runtime });
      await backend.init();
      temp = await tempDir();
    });
    afterAll(async () => {
      await backend.dispose();
      await temp.remove();
    });

    it('loads and runs a two-input, two-output LayersModel saved by tfjs in two weight shards', async () => {
      const a = tfl.input({ shape: [4], name: 'a' });
      const b = tfl.input({ shape: [2], name: 'b' });
      const hidden = tfl.layers.dense({ units: 5, activation: 'relu', name: 'hidden' }).apply(tfl.layers.concatenate().apply([a, b]) as tfl.SymbolicTensor);
      const scores = tfl.layers.dense({ units: 3, name: 'scores' }).apply(hidden) as tfl.SymbolicTensor;
      const prob = tfl.layers.dense({ units: 1, activation: 'sigmoid', name: 'prob' }).apply(hidden) as tfl.SymbolicTensor;
      const model = tfl.model({ inputs: [a, b], outputs: [scores, prob] });
      const dir = join(temp.dir, 'layers');
      await saveLayersModel(model, dir, 2);
      const aData = Float32Array.from({ length: 8 }, (_, i) => Math.cos(i));
      const bData = Float32Array.from({ length: 4 }, (_, i) => Math.sin(i));
      const expected = tf.tidy(() => (model.predict([tf.tensor(aData, [2, 4]), tf.tensor(bData, [2, 2])]) as tf.Tensor[]).map((t) => t.dataSync()));
      model.dispose();

      const before = tf.memory().numTensors;
      const handle = await backend.loadModel(dir);
      expect(handle.signature).toEqual({
        inputs: [
          { name: 'a', dtype: 'float32', shape: ['batch', 4] },
          { name: 'b', dtype: 'float32', shape: ['batch', 2] },
        ],
        outputs: [
          { name: 'scores', dtype: 'float32', shape: ['batch', 3] },
          { name: 'prob', dtype: 'float32', shape: ['batch', 1] },
        ],
      });
      expect(handle.metadata).toMatchObject({ format: 'tfjs-layers', className: 'Model', runtime });
      expect(handle.memoryBytes).toBe((6 * 5 + 5 + 5 * 3 + 3 + 5 + 1) * 4);
      const loaded = tf.memory().numTensors;
      const out = await handle.run({ a: Tensor.from('float32', aData, [2, 4]), b: Tensor.from('float32', bData, [2, 2]) });
      expect(maxAbsDiff(out.scores!.data as Float32Array, expected[0]!)).toBeLessThan(1e-6);
      expect(maxAbsDiff(out.prob!.data as Float32Array, expected[1]!)).toBeLessThan(1e-6);
      const only = await handle.run({ a: Tensor.from('float32', aData, [2, 4]), b: Tensor.from('float32', bData, [2, 2]) }, { outputs: ['prob'] });
      expect(Object.keys(only)).toEqual(['prob']);
      expect(tf.memory().numTensors).toBe(loaded);
      await handle.dispose();
      expect(tf.memory().numTensors).toBe(before);
    });

    it('loads and runs a hand-written GraphModel from its folder or its model.json', async () => {
      const dir = join(temp.dir, 'graph');
      await writeGraphModel(dir);
      const handle = await backend.loadModel(dir);
      expect(handle.signature).toEqual({
        inputs: [{ name: 'x', dtype: 'float32', shape: [null, 3] }],
        outputs: [{ name: 'Identity', dtype: 'float32', shape: null }],
      });
      expect(handle.metadata).toMatchObject({ format: 'tfjs-graph', source: join(dir, 'model.json'), runtime });
      expect(handle.memoryBytes).toBe(8 * 4);
      const x = Float32Array.from([1, 2, 3, -1, 0.5, 4, 0, 0, 0]);
      const baseline = tf.memory().numTensors;
      const { Identity } = await handle.run({ x: Tensor.from('float32', x, [3, 3]) });
      expect(Identity!.shape).toEqual([3, 2]);
      expect(maxAbsDiff(Identity!.data as Float32Array, graphReference(x, 3))).toBeLessThan(1e-6);
      expect(tf.memory().numTensors).toBe(baseline);
      await handle.dispose();
      const byFile = await backend.loadModel({ path: join(dir, 'model.json'), format: 'tfjs-graph' });
      expect(byFile.name).toBe('graph');
      await byFile.dispose();
    });

    it('names inputs and outputs by their signature keys when model.json has a signature, as converted SavedModels do', async () => {
      const dir = join(temp.dir, 'signed');
      const float = 'DT_FLOAT';
      await writeGraphModel(dir, {
        signature: {
          inputs: { features: { name: 'x:0', dtype: float, tensorShape: { dim: [{ size: '-1' }, { size: '3' }] } } },
          outputs: { scores: { name: 'Identity:0', dtype: float, tensorShape: { dim: [{ size: '-1' }, { size: '2' }] } } },
        },
      });
      const handle = await backend.loadModel(dir);
      expect(handle.signature.inputs.map((s) => s.name)).toEqual(['features']);
      expect(handle.signature.outputs.map((s) => s.name)).toEqual(['scores']);
      const x = Float32Array.from([1, -2, 0.5]);
      const { scores } = await handle.run({ features: Tensor.from('float32', x, [1, 3]) });
      expect(maxAbsDiff(scores!.data as Float32Array, graphReference(x, 1))).toBeLessThan(1e-6);
      await handle.dispose();
    });

    it('declares int64 for DT_INT64 placeholders and narrows int64 feeds to int32, as tfjs computes', async () => {
      const dir = join(temp.dir, 'int64');
      await mkdir(dir);
      const modelTopology = {
        node: [
          { name: 'ids', op: 'Placeholder', attr: { dtype: { type: 'DT_INT64' }, shape: { shape: { dim: [{ size: '-1' }] } } } },
          { name: 'as_float', op: 'Cast', input: ['ids'], attr: { SrcT: { type: 'DT_INT64' }, DstT: { type: 'DT_FLOAT' } } },
        ],
        versions: { producer: 1 },
      };
      await writeFile(join(dir, 'model.json'), JSON.stringify({ format: 'graph-model', modelTopology }));
      const handle = await backend.loadModel(dir);
      expect(handle.signature.inputs).toEqual([{ name: 'ids', dtype: 'int64', shape: [null] }]);
      const { as_float } = await handle.run({ ids: Tensor.from('int64', [3n, -7n, 2n ** 31n - 1n], [3]) });
      expect(as_float!.toArray()).toEqual([3, -7, 2 ** 31]);
      await expectInferoxError(handle.run({ ids: Tensor.from('int32', [1], [1]) }), 'INVALID_INPUT', '"ids"', 'int64');
      await handle.dispose();
    });

    it('runs a GraphModel with dynamic ops through executeAsync without leaking tensors', async () => {
      const dir = join(temp.dir, 'where');
      await mkdir(dir);
      const modelTopology = {
        node: [
          { name: 'mask', op: 'Placeholder', attr: { dtype: { type: 'DT_BOOL' }, shape: { shape: { dim: [{ size: '-1' }] } } } },
          { name: 'indices', op: 'Where', input: ['mask'], attr: { T: { type: 'DT_BOOL' } } },
        ],
        versions: { producer: 1 },
      };
      await writeFile(join(dir, 'model.json'), JSON.stringify({ format: 'graph-model', modelTopology, weightsManifest: [] }));
      const handle = await backend.loadModel(dir);
      expect(handle.signature.inputs).toEqual([{ name: 'mask', dtype: 'bool', shape: [null] }]);
      const baseline = tf.memory().numTensors;
      for (let i = 0; i < 2; i++) {
        const { indices } = await handle.run({ mask: Tensor.from('bool', [true, false, true, true], [4]) });
        expect(indices!.shape).toEqual([3, 1]);
        expect(indices!.toArray()).toEqual([0, 2, 3]);
        expect(tf.memory().numTensors).toBe(baseline);
      }
      await handle.dispose();
    });

    it('keeps concurrent runs of asynchronous and synchronous models from freeing each other\'s tensors', async () => {
      const whereDir = join(temp.dir, 'where-concurrent');
      await mkdir(whereDir);
      const modelTopology = {
        node: [
          { name: 'mask', op: 'Placeholder', attr: { dtype: { type: 'DT_BOOL' }, shape: { shape: { dim: [{ size: '-1' }] } } } },
          { name: 'indices', op: 'Where', input: ['mask'], attr: { T: { type: 'DT_BOOL' } } },
        ],
        versions: { producer: 1 },
      };
      await writeFile(join(whereDir, 'model.json'), JSON.stringify({ format: 'graph-model', modelTopology }));
      const graphDir = join(temp.dir, 'graph-concurrent');
      await writeGraphModel(graphDir);
      const [dynamic, dense] = await Promise.all([backend.loadModel(whereDir), backend.loadModel(graphDir)]);
      const x = Float32Array.from([1, 2, 3]);
      const baseline = tf.memory().numTensors;
      const runs = Array.from({ length: 4 }, (_, i) => [
        dynamic.run({ mask: Tensor.from('bool', [i % 2 === 0, true, false], [3]) }).then((out) => out.indices!.toArray()),
        dense.run({ x: Tensor.from('float32', x, [1, 3]) }).then((out) => Array.from(out.Identity!.data as Float32Array)),
      ]).flat();
      const results = await Promise.all(runs);
      results.forEach((result, i) => {
        if (i % 2 === 1) expect(maxAbsDiff(result as number[], graphReference(x, 1))).toBeLessThan(1e-6);
        else expect(result).toEqual(i % 4 === 0 ? [0, 1] : [1]);
      });
      expect(tf.memory().numTensors).toBe(baseline);
      await Promise.all([dynamic.dispose(), dense.dispose()]);
    });

    it('rejects with BACKEND_ERROR and leaks nothing when an asynchronously executed graph fails', async () => {
      const dir = join(temp.dir, 'where-broken');
      await mkdir(dir);
      const modelTopology = {
        node: [
          { name: 'mask', op: 'Placeholder', attr: { dtype: { type: 'DT_BOOL' }, shape: { shape: { dim: [{ size: '-1' }] } } } },
          { name: 'indices', op: 'Where', input: ['mask'], attr: { T: { type: 'DT_BOOL' } } },
          { name: 'out', op: 'NoSuchOp', input: ['indices'] },
        ],
        versions: { producer: 1 },
      };
      await writeFile(join(dir, 'model.json'), JSON.stringify({ format: 'graph-model', modelTopology }));
      const handle = await backend.loadModel(dir);
      const baseline = tf.memory().numTensors;
      for (let i = 0; i < 2; i++) {
        await expectInferoxError(handle.run({ mask: Tensor.from('bool', [true, false], [2]) }), 'BACKEND_ERROR', 'NoSuchOp');
        expect(tf.memory().numTensors).toBe(baseline);
      }
      await handle[Symbol.asyncDispose]();
      expect(handle.disposed).toBe(true);
    });

    it('rejects with BACKEND_ERROR carrying the tfjs error when a run fails inside tfjs, leaving no tensors behind', async () => {
      const dir = join(temp.dir, 'unshaped');
      await writeGraphModel(dir);
      const json = JSON.parse(await readFile(join(dir, 'model.json'), 'utf8')) as { modelTopology: { node: { attr: Record<string, unknown> }[] } };
      delete json.modelTopology.node[0]!.attr.shape;
      await writeFile(join(dir, 'model.json'), JSON.stringify(json));
      const handle = await backend.loadModel(dir);
      expect(handle.signature.inputs).toEqual([{ name: 'x', dtype: 'float32', shape: null }]);
      const baseline = tf.memory().numTensors;
      const error = await expectInferoxError(handle.run({ x: Tensor.zeros('float32', [1, 4]) }), 'BACKEND_ERROR', 'tfjs run of unshaped', 'matMul');
      expect(error.cause).toBeInstanceOf(Error);
      expect(tf.memory().numTensors).toBe(baseline);
      await handle.dispose();
    });

    it('rejects runs with BACKEND_ERROR naming the op when the graph uses one tfjs does not know', async () => {
      const dir = join(temp.dir, 'bad-op');
      await writeGraphModel(dir);
      const json = JSON.parse(await readFile(join(dir, 'model.json'), 'utf8')) as { modelTopology: { node: { op: string }[] } };
      json.modelTopology.node[5]!.op = 'NoSuchOp';
      await writeFile(join(dir, 'model.json'), JSON.stringify(json));
      const handle = await backend.loadModel(dir);
      const baseline = tf.memory().numTensors;
      await expectInferoxError(handle.run({ x: Tensor.zeros('float32', [1, 3]) }), 'BACKEND_ERROR', 'NoSuchOp');
      expect(tf.memory().numTensors).toBe(baseline);
      await handle.dispose();
    });

    describe('model folder errors', () => {
      const write = async (name: string, files: Record<string, string | Uint8Array>): Promise<string> => {
        const dir = join(temp.dir, name);
        await mkdir(dir, { recursive: true });
        for (const [file, content] of Object.entries(files)) await writeFile(join(dir, file), content);
        return dir;
      };

      it('rejects with PACKAGE_INVALID naming model.json when it is not JSON, has no topology or an unknown one', async () => {
        await expectInferoxError(backend.loadModel(await write('not-json', { 'model.json': '{ nope' })), 'PACKAGE_INVALID', 'model.json', 'not valid JSON');
        await expectInferoxError(backend.loadModel(await write('array', { 'model.json': '[1]' })), 'PACKAGE_INVALID', 'model.json', 'JSON object');
        await expectInferoxError(backend.loadModel(await write('no-topology', { 'model.json': '{"weightsManifest": []}' })), 'PACKAGE_INVALID', 'modelTopology');
        await expectInferoxError(backend.loadModel(await write('odd', { 'model.json': '{"modelTopology": {"x": 1}}' })), 'PACKAGE_INVALID', 'graph model from a layers model');
        await expectInferoxError(
          backend.loadModel(await write('bad-manifest', { 'model.json': '{"modelTopology": {"node": []}, "weightsManifest": {}}' })),
          'PACKAGE_INVALID',
          'weightsManifest',
        );
        await expectInferoxError(
          backend.loadModel(await write('bad-group', { 'model.json': '{"modelTopology": {"node": []}, "weightsManifest": [{"paths": "a.bin"}]}' })),
          'PACKAGE_INVALID',
          'weightsManifest[0]',
        );
        await expectInferoxError(
          backend.loadModel(await write('bad-spec', { 'model.json': '{"modelTopology": {"node": []}, "weightsManifest": [{"paths": [], "weights": [{"name": "w"}]}]}' })),
          'PACKAGE_INVALID',
          'weightsManifest[0]',
          '"w"',
        );
      });

      it('rejects with PACKAGE_INVALID naming the shard when one is missing, outside the folder or of the wrong size', async () => {
        const dir = join(temp.dir, 'shards');
        await writeGraphModel(dir);
        const json = (paths: string[]): string =>
          JSON.stringify({
            format: 'graph-model',
            modelTopology: { node: [] },
            weightsManifest: [{ paths, weights: [{ name: 'w', shape: [3, 2], dtype: 'float32' }, { name: 'b', shape: [2], dtype: 'float32' }] }],
          });
        await writeFile(join(dir, 'missing.json'), json(['weights.bin', 'group1-shard2of2.bin']));
        await expectInferoxError(backend.loadModel(join(dir, 'missing.json')), 'PACKAGE_INVALID', 'group1-shard2of2.bin', 'no such file');
        await writeFile(join(dir, 'escape.json'), json(['../weights.bin']));
        await expectInferoxError(backend.loadModel(join(dir, 'escape.json')), 'PACKAGE_INVALID', '"../weights.bin"', 'not a file inside');
        await writeFile(join(dir, 'twice.json'), json(['weights.bin', 'weights.bin']));
        await expectInferoxError(backend.loadModel(join(dir, 'twice.json')), 'PACKAGE_INVALID', 'weights.bin', '64 bytes', 'describes 32');
      });

      it('rejects with PACKAGE_INVALID when the format says graph but the folder holds a layers model, or tfjs refuses the topology', async () => {
        const dir = join(temp.dir, 'layers-small');
        const model = tfl.sequential({ layers: [tfl.layers.dense({ units: 2, inputShape: [3] })] });
        await saveLayersModel(model, dir, 1);
        model.dispose();
        await expectInferoxError(backend.loadModel({ path: dir, format: 'tfjs-graph' }), 'PACKAGE_INVALID', 'holds a layers model, not the graph model');
        const layers = await backend.loadModel({ path: dir, format: 'tfjs-layers' });
        expect(layers.signature.outputs).toHaveLength(1);
        await layers.dispose();
        const broken = await write('broken-layers', { 'model.json': JSON.stringify({ format: 'layers-model', modelTopology: { class_name: 'Nonsense', config: {} } }) });
        await expectInferoxError(backend.loadModel(broken), 'PACKAGE_INVALID', 'cannot load this layers model');
        const brokenGraph = await write('broken-graph', { 'model.json': JSON.stringify({ format: 'graph-model', modelTopology: { node: [{ name: 'x', op: 'Const' }] } }) });
        await expectInferoxError(backend.loadModel(brokenGraph), 'PACKAGE_INVALID', 'cannot load this graph model');
      });

      it('rejects with PACKAGE_INVALID naming the input when a graph input has a dtype Inferox cannot feed', async () => {
        const modelTopology = { node: [{ name: 'z', op: 'Placeholder', attr: { dtype: { type: 'DT_COMPLEX64' } } }], versions: { producer: 1 } };
        const dir = await write('complex', { 'model.json': JSON.stringify({ format: 'graph-model', modelTopology }) });
        await expectInferoxError(backend.loadModel(dir), 'PACKAGE_INVALID', 'input "z"', 'complex64');
      });
    });
  });
}
