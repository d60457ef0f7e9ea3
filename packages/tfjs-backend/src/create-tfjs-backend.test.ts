import { execFileSync } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { InferoxError, type LogFields, type Logger } from '@inferox/core';
import { expectInferoxError } from '@inferox/core/testing';
import { createTfjsBackend } from './create-tfjs-backend';
import { TFJS_HF_MODEL_TYPES, TFJS_RUNTIMES } from './index';
import type { TfjsBackend } from './tfjs-backend';
import { mlpInput, tempDir, writeMlpCheckpoint } from './internal/test-fixtures.fixture';

describe('createTfjsBackend', () => {
  let temp: Awaited<ReturnType<typeof tempDir>>;
  let mlpDir: string;
  const created: TfjsBackend[] = [];
  const make = (...args: Parameters<typeof createTfjsBackend>): TfjsBackend => {
    const backend = createTfjsBackend(...args);
    created.push(backend);
    return backend;
  };

  beforeAll(async () => {
    temp = await tempDir();
    mlpDir = (await writeMlpCheckpoint(join(temp.dir, 'mlp'))).dir;
  });
  afterEach(async () => {
    for (const backend of created.splice(0)) await backend.dispose();
  });
  afterAll(() => temp.remove());

  it('exports the runtimes in auto order and the checkpoint model types', () => {
    expect(TFJS_RUNTIMES).toEqual(['node-gpu', 'node', 'wasm', 'cpu']);
    expect(TFJS_HF_MODEL_TYPES).toEqual(['bert', 'inferox-mlp']);
  });

  it('selects wasm when auto, reporting node-gpu and node as not installed with their cause', async () => {
    const info = await make().init();
    expect(info).toMatchObject({ name: 'tfjs', runtime: 'wasm', devices: [{ kind: 'wasm' }], version: tf.version_core });
    expect(info.attempts.map((a) => a.candidate)).toEqual(['node-gpu', 'node']);
    const [gpu, node] = info.attempts.map((a) => a.cause as InferoxError);
    expect(gpu).toBeInstanceOf(InferoxError);
    expect(gpu!.code).toBe('BACKEND_UNAVAILABLE');
    expect(gpu!.message).toContain('@tensorflow/tfjs-node-gpu is not installed');
    expect(node!.message).toContain('@tensorflow/tfjs-node is not installed');
    expect((node!.cause as NodeJS.ErrnoException).code).toBe('MODULE_NOT_FOUND');
    expect(tf.getBackend()).toBe('wasm');
  });

  it('fails init with BACKEND_UNAVAILABLE, kept, when node is asked for and not installed', async () => {
    const backend = make({ runtime: 'node' });
    const first = backend.init();
    const error = await expectInferoxError(first, 'BACKEND_UNAVAILABLE', 'node', '@tensorflow/tfjs-node is not installed');
    expect((error.details.attempts as { candidate: string }[]).map((a) => a.candidate)).toEqual(['node']);
    expect(backend.init()).toBe(first);
    expect(await backend.isAvailable()).toBe(false);
    await expectInferoxError(backend.loadModel(mlpDir), 'BACKEND_UNAVAILABLE');
    await expectInferoxError(make({ runtime: 'node-gpu' }).devices(), 'BACKEND_UNAVAILABLE', '@tensorflow/tfjs-node-gpu');
  });

  it('refuses a second runtime while the first is owned, shares the same one, and frees it when the owners are disposed', async () => {
    const owner = make({ runtime: 'wasm' });
    await owner.init();
    const other = make({ runtime: 'cpu' });
    const refused = await expectInferoxError(other.init(), 'BACKEND_UNAVAILABLE', 'cpu', 'already running wasm');
    expect(refused.details).toMatchObject({ requested: 'cpu', activeRuntime: 'wasm' });
    const same = make({ runtime: 'wasm' });
    const auto = make();
    expect(await same.init()).toMatchObject({ runtime: 'wasm', attempts: [] });
    expect(await auto.init()).toMatchObject({ runtime: 'wasm', attempts: [] });
    await owner.dispose();
    await expectInferoxError(make({ runtime: 'cpu' }).init(), 'BACKEND_UNAVAILABLE', 'already running wasm');
    await same.dispose();
    await auto.dispose();
    expect(await make({ runtime: 'cpu' }).init()).toMatchObject({ runtime: 'cpu', devices: [{ kind: 'cpu' }], attempts: [] });
    expect(tf.getBackend()).toBe('cpu');
  });

  it('lets exactly one runtime win when backends with different runtimes initialise at once', async () => {
    const results = await Promise.allSettled([make({ runtime: 'cpu' }).init(), make({ runtime: 'wasm' }).init(), make({ runtime: 'cpu' }).init()]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect(tf.getBackend()).toBe('cpu');
  });

  it('refuses a run with BACKEND_ERROR when something outside Inferox switched the tfjs backend', async () => {
    const backend = make({ runtime: 'wasm' });
    const model = await backend.loadModel(mlpDir);
    await tf.setBackend('cpu');
    try {
      await expectInferoxError(model.run({ input: mlpInput(1, 10) }), 'BACKEND_ERROR', '"cpu"', '"wasm"');
    } finally {
      await tf.setBackend('wasm');
    }
    expect((await model.run({ input: mlpInput(1, 10) })).logits!.shape).toEqual([1, 3]);
  });

  it('describes itself for worker threads with structured-cloneable options only', () => {
    const logger: Logger = { debug: () => {}, info: () => {}, warn: () => {}, error: () => {} };
    const backend = make({ runtime: 'cpu', logger });
    expect(backend.name).toBe('tfjs');
    expect(backend.requestedRuntime).toBe('cpu');
    expect(backend.factorySpec).toEqual({ module: new URL('./index.ts', import.meta.url).href, factory: 'createTfjsBackend', options: { runtime: 'cpu' }, interruptible: true });
    expect(structuredClone(backend.factorySpec)).toEqual(backend.factorySpec);
    expect(make().factorySpec).toMatchObject({ options: { runtime: 'auto' }, interruptible: false });
  });

  it('throws INVALID_INPUT naming the runtime when it is unknown', () => {
    expect(() => createTfjsBackend({ runtime: 'webgl' as 'cpu' })).toThrow(/runtime "webgl" is not one of auto, node-gpu, node, wasm, cpu/);
  });

  it('logs the runtime chosen and the candidates skipped', async () => {
    const lines: { message: string; fields?: LogFields }[] = [];
    const record = (message: string, fields?: LogFields): number => lines.push({ message, ...(fields ? { fields } : {}) });
    await make({ logger: { debug: record, info: record, warn: record, error: record } }).init();
    expect(lines[0]).toMatchObject({ message: 'tfjs runtime active', fields: { runtime: 'wasm', requested: 'auto' } });
    expect((lines[0]!.fields!.skipped as { candidate: string }[]).map((s) => s.candidate)).toEqual(['node-gpu', 'node']);
  });

  it('does not keep a cancelled init when the signal was aborted before it started', async () => {
    const backend = make({ runtime: 'wasm' });
    const controller = new AbortController();
    controller.abort(new Error('stop'));
    await expectInferoxError(backend.init({ signal: controller.signal }), 'CANCELLED');
    expect((await backend.init()).runtime).toBe('wasm');
  });

  it('disposes its models and refuses use with DISPOSED when disposed, idempotently', async () => {
    const backend = make({ runtime: 'wasm' });
    const model = await backend.loadModel(mlpDir);
    await backend.dispose();
    await backend.dispose();
    expect(model.disposed).toBe(true);
    await expectInferoxError(backend.loadModel(mlpDir), 'DISPOSED');
    await expectInferoxError(backend.init(), 'DISPOSED');
    expect(await backend.isAvailable()).toBe(false);
    await expectInferoxError(model.run({ input: mlpInput(1, 10) }), 'DISPOSED');
  });

  it('disposes itself and its models through Symbol.asyncDispose', async () => {
    const backend = createTfjsBackend({ runtime: 'wasm' });
    const model = await backend.loadModel(mlpDir);
    await backend[Symbol.asyncDispose]();
    expect(model.disposed).toBe(true);
    await expectInferoxError(backend.devices(), 'DISPOSED');
  });

  it('releases its claim when disposed while init is in flight', async () => {
    const backend = make({ runtime: 'wasm' });
    const init = backend.init();
    await backend.dispose();
    await expectInferoxError(init, 'DISPOSED');
    expect((await make({ runtime: 'cpu' }).init()).runtime).toBe('cpu');
  });

  it('frees a model loaded while the backend was being disposed', async () => {
    const backend = make({ runtime: 'wasm' });
    await backend.init();
    const before = tf.memory().numTensors;
    const loading = backend.loadModel(mlpDir);
    await backend.dispose();
    await expectInferoxError(loading, 'DISPOSED');
    expect(tf.memory().numTensors).toBe(before);
  });

  describe('loadModel', () => {
    let backend: TfjsBackend;
    beforeAll(() => {
      backend = createTfjsBackend({ runtime: 'wasm' });
    });
    afterAll(() => backend.dispose());

    it('names the model after its folder or the name option, and places it on the device asked for', async () => {
      const byFolder = await backend.loadModel(mlpDir);
      expect(byFolder).toMatchObject({ name: 'mlp', backend: 'tfjs', device: { kind: 'wasm' } });
      expect(byFolder.metadata).toMatchObject({ format: 'hf-checkpoint', model_type: 'inferox-mlp', runtime: 'wasm', source: mlpDir, weights: 'model.safetensors' });
      const named = await backend.loadModel({ path: join(mlpDir, 'config.json') }, { name: 'classifier', device: 'wasm' });
      expect(named.name).toBe('classifier');
      const explicit = await backend.loadModel({ path: mlpDir, format: 'hf-checkpoint' });
      expect(explicit.signature).toEqual({
        inputs: [{ name: 'input', dtype: 'float32', shape: ['batch', 10] }],
        outputs: [{ name: 'logits', dtype: 'float32', shape: ['batch', 3] }],
      });
      await Promise.all([byFolder.dispose(), named.dispose(), explicit.dispose()]);
    });

    it('rejects with DEVICE_ERROR naming the device when the runtime does not offer it', async () => {
      await expectInferoxError(backend.loadModel(mlpDir, { device: 'cuda' }), 'DEVICE_ERROR', '"cuda"', 'wasm');
      await expectInferoxError(backend.loadModel(mlpDir, { device: 'tpu' }), 'DEVICE_ERROR', 'tpu');
      await expectInferoxError(backend.loadModel(mlpDir, { device: 3 as unknown as string }), 'DEVICE_ERROR', 'string');
    });

    it('rejects with INVALID_INPUT when the source is bytes, the format is foreign or the name is empty', async () => {
      await expectInferoxError(backend.loadModel({ bytes: new Uint8Array(4), name: 'm.onnx' }), 'INVALID_INPUT', 'from a path', 'm.onnx');
      await expectInferoxError(backend.loadModel({ path: mlpDir, format: 'onnx' }), 'INVALID_INPUT', '"onnx"');
      await expectInferoxError(backend.loadModel(mlpDir, { name: '' }), 'INVALID_INPUT', 'options.name must be a non-empty string, got ""');
    });

    it('rejects with INVALID_INPUT naming an unknown load option and listing the known ones, before initialising', async () => {
      // The node runtime is not installed here: an init would fail with BACKEND_UNAVAILABLE, so INVALID_INPUT shows
      // the options were checked first.
      const fresh = make({ runtime: 'node' });
      const error = await expectInferoxError(fresh.loadModel(mlpDir, { runtime: 'cpu' } as never), 'INVALID_INPUT');
      expect(error.message).toBe("unknown option options.runtime of the tfjs backend's loadModel; known: name, device, cpuThreads");
      expect(error.details).toEqual({ option: 'options.runtime', known: ['name', 'device', 'cpuThreads'] });
      await expectInferoxError(fresh.loadModel(mlpDir, { sessionOptions: {} } as never), 'INVALID_INPUT', 'options.sessionOptions');
    });

    it('rejects with INVALID_INPUT naming a path that is missing, PACKAGE_INVALID naming one that holds no model', async () => {
      await expectInferoxError(backend.loadModel(join(temp.dir, 'nowhere')), 'INVALID_INPUT', 'nowhere', 'does not exist');
      const empty = join(temp.dir, 'empty');
      await mkdir(empty);
      await expectInferoxError(backend.loadModel(empty), 'PACKAGE_INVALID', empty, 'neither');
      await writeFile(join(empty, 'weights.bin'), new Uint8Array(4));
      await expectInferoxError(backend.loadModel(join(empty, 'weights.bin')), 'PACKAGE_INVALID', 'weights.bin');
    });

    it('refuses a FIFO as model.safetensors or config.json at once instead of hanging, naming the file', async () => {
      for (const file of ['model.safetensors', 'config.json']) {
        const dir = join(temp.dir, `fifo-${file}`);
        await mkdir(dir);
        if (file !== 'config.json') await writeFile(join(dir, 'config.json'), JSON.stringify({ model_type: 'inferox-mlp', layer_sizes: [2, 2] }));
        execFileSync('mkfifo', [join(dir, file)]);
        await expectInferoxError(backend.loadModel(dir), 'PACKAGE_INVALID', `${join(dir, file)}: cannot read: a FIFO, not a regular file`);
      }
    });

    it('rejects with INVALID_INPUT naming an ONNX file for what it is', async () => {
      const file = join(temp.dir, 'graph.onnx');
      await writeFile(file, new Uint8Array(4));
      await expectInferoxError(backend.loadModel(file), 'INVALID_INPUT', 'graph.onnx is an ONNX model; the tfjs backend loads hf-checkpoint, tfjs sources');
    });

    it('rejects with PACKAGE_INVALID naming model_type when no architecture builds it', async () => {
      const dir = join(temp.dir, 'gpt');
      await mkdir(dir);
      await writeFile(join(dir, 'config.json'), JSON.stringify({ model_type: 'gpt2' }));
      await writeFile(join(dir, 'model.safetensors'), new Uint8Array([2, 0, 0, 0, 0, 0, 0, 0, 123, 125]));
      await expectInferoxError(backend.loadModel(dir), 'PACKAGE_INVALID', 'model_type', '"gpt2"', 'bert, inferox-mlp');
    });

    it('rejects with CANCELLED when the signal is aborted', async () => {
      const controller = new AbortController();
      controller.abort(new Error('stop'));
      await expectInferoxError(backend.loadModel(mlpDir, {}, { signal: controller.signal }), 'CANCELLED');
    });
  });
});
