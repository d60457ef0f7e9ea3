import { execFileSync } from 'node:child_process';
import { copyFile, mkdir, readFile, stat, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { type InitAttempt, type InferoxError, type LogFields, type Logger, type ModelHandle, Tensor, parseSafetensors, serializeSafetensors } from '@inferox/core';
import { expectBertReference, rejectionOf } from '@inferox/core/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type OnnxBackend, createOnnxBackend } from './create-onnx-backend';
import { BERT_DIR, bertFeeds, reference, tempDir } from './internal/test-fixtures.fixture';
import { OnnxGraphBuilder } from './onnx-graph-builder';

async function expectReference(handle: ModelHandle): Promise<void> {
  expectBertReference(await handle.run(bertFeeds()), reference);
}

function identityModel(): Uint8Array {
  const g = new OnnxGraphBuilder();
  g.addInput('x', 'float32', ['n']);
  g.addOutput(g.op('Identity', ['x'], {}, 'y'), 'float32', ['n']);
  return g.toBytes();
}

describe('createOnnxBackend', () => {
  let backend: OnnxBackend;
  let tmp: { dir: string; remove: () => Promise<void> };

  beforeAll(async () => {
    backend = createOnnxBackend();
    tmp = await tempDir();
  });
  afterAll(async () => {
    await backend.dispose();
    await tmp.remove();
  });

  describe('the tiny BERT fixture', () => {
    // Their outputs against reference.json: create-onnx-backend.conformance.test.ts, for both sources.
    it('names the handle and declares the torch export’s format and signature when loading model.onnx', async () => {
      await using handle = await backend.loadModel(join(BERT_DIR, 'model.onnx'));
      expect(handle.name).toBe('model');
      expect(handle.metadata).toMatchObject({ format: 'onnx', runtime: 'cpu' });
      expect(handle.signature.inputs.map((s) => [s.name, s.dtype, s.shape])).toEqual([
        ['input_ids', 'int64', ['batch', 'sequence']],
        ['attention_mask', 'int64', ['batch', 'sequence']],
        ['token_type_ids', 'int64', ['batch', 'sequence']],
      ]);
      expect(handle.signature.outputs.map((s) => s.shape)).toEqual([['batch', 'sequence', 64], ['batch', 64]]);
    });

    it('names the handle and declares the checkpoint’s format and outputs when building the graph from config.json + model.safetensors', async () => {
      await using handle = await backend.loadModel(BERT_DIR, { name: 'bert' });
      expect(handle.name).toBe('bert');
      expect(handle.metadata).toMatchObject({ format: 'hf-checkpoint', architecture: 'bert', runtime: 'cpu' });
      expect(handle.memoryBytes).toBeGreaterThan(8_000_000);
      expect(handle.signature.outputs.map((s) => [s.name, s.shape])).toEqual([
        ['last_hidden_state', ['batch', 'sequence', 64]],
        ['pooler_output', ['batch', 64]],
      ]);
    });

    it('takes 16 runs at once (runsInFlight 16: an 8 MiB model) and answers each with its own outputs', async () => {
      await using handle = await backend.loadModel(BERT_DIR);
      expect([handle.runsInFlight, handle.batchable]).toEqual([16, true]);
      const results = await Promise.all(Array.from({ length: 16 }, () => handle.run(bertFeeds())));
      for (const result of results) expectBertReference(result, reference);
      expect(new Set(results.map((r) => r.last_hidden_state)).size).toBe(16);
    });

    it('gives the same outputs when the checkpoint is sharded with model.safetensors.index.json', async () => {
      const dir = join(tmp.dir, 'sharded');
      await mkdir(dir);
      await copyFile(join(BERT_DIR, 'config.json'), join(dir, 'config.json'));
      const { tensors } = parseSafetensors(await readFile(join(BERT_DIR, 'model.safetensors')));
      const shards: Record<string, { dtype: 'float32'; shape: readonly number[]; bytes: Uint8Array }>[] = [{}, {}];
      const weightMap: Record<string, string> = {};
      [...tensors.values()].forEach((t, i) => {
        const shard = i % 2;
        shards[shard]![t.name] = { dtype: 'float32', shape: t.shape, bytes: t.bytes };
        weightMap[t.name] = `model-0000${shard + 1}-of-00002.safetensors`;
      });
      await writeFile(join(dir, 'model-00001-of-00002.safetensors'), serializeSafetensors(shards[0]!));
      await writeFile(join(dir, 'model-00002-of-00002.safetensors'), serializeSafetensors(shards[1]!));
      await writeFile(join(dir, 'model.safetensors.index.json'), JSON.stringify({ metadata: {}, weight_map: weightMap }));
      await using handle = await backend.loadModel(dir);
      expect(handle.metadata.architecture).toBe('bert');
      await expectReference(handle);
    });

    it('rejects with INVALID_INPUT naming vocab_size, before onnxruntime runs, when a checkpoint model gets a token id out of the vocabulary', async () => {
      await using handle = await backend.loadModel(BERT_DIR);
      const feeds = bertFeeds();
      (feeds.input_ids!.data as BigInt64Array)[0] = 99_999n;
      const error = await rejectionOf(handle.run(feeds));
      expect(error.code).toBe('INVALID_INPUT');
      expect(error.message).toBe('input "input_ids" element 0 is 99999, outside [0, 30522) (vocab_size)');
    });

    it('rejects with INVALID_INPUT carrying the onnxruntime message when a plain .onnx file (no config to know the vocabulary from) gets an id out of range', async () => {
      // logSeverityLevel 4 keeps ORT from printing the (expected) kernel error on stderr.
      await using handle = await backend.loadModel(join(BERT_DIR, 'model.onnx'), { sessionOptions: { logSeverityLevel: 4 } });
      const feeds = bertFeeds();
      (feeds.input_ids!.data as BigInt64Array)[0] = 99_999n;
      const error = await rejectionOf(handle.run(feeds));
      expect(error.code).toBe('INVALID_INPUT');
      expect(error.message).toContain('onnx run of "model"');
      expect(error.message).toContain('idx=99999 must be within the inclusive range [-30522,30521]');
      expect(error.cause).toBeInstanceOf(Error);
    });

    it('rejects with BACKEND_ERROR carrying the onnxruntime message when a run fails inside onnxruntime for another reason', async () => {
      // A graph whose Reshape cannot take the fed size: the feeds pass the signature, the kernel fails.
      const g = new OnnxGraphBuilder({ name: 'reshape', opset: 17 });
      const x = g.addInput('x', 'float32', ['n']);
      g.addOutput(g.op('Reshape', [x, g.ints([2, 2])], {}, 'y'), 'float32', [2, 2]);
      await using handle = await backend.loadModel({ bytes: g.toBytes(), name: 'reshape' }, { sessionOptions: { logSeverityLevel: 4 } });
      const error = await rejectionOf(handle.run({ x: Tensor.zeros('float32', [3]) }));
      expect(error.code).toBe('BACKEND_ERROR');
      expect(error.message).toContain('onnx run of "reshape" failed');
      expect(error.cause).toBeInstanceOf(Error);
    });

    it('returns each selected output once when outputs repeat a name, and all outputs when options are left out', async () => {
      await using handle = await backend.loadModel(join(BERT_DIR, 'model.onnx'));
      const out = await handle.run(bertFeeds(), { outputs: ['pooler_output', 'pooler_output'] });
      expect(Object.keys(out)).toEqual(['pooler_output']);
      expectBertReference(out, reference, { outputs: ['pooler_output'] });
      expect(Object.keys(await handle.run(bertFeeds(), undefined))).toEqual(['last_hidden_state', 'pooler_output']);
      const error = await rejectionOf(handle.run(bertFeeds(), { outputs: 'pooler_output' as unknown as string[] }));
      expect(error.code).toBe('INVALID_INPUT');
      expect(error.message).toContain('options.outputs');
    });
  });

  describe('execution providers', () => {
    it('falls back to cpu and reports why cuda failed when cuda is preferred', async () => {
      const lines: [string, string, LogFields | undefined][] = [];
      const record = (level: string) => (message: string, fields?: LogFields) => void lines.push([level, message, fields]);
      const logger: Logger = { debug: record('debug'), info: record('info'), warn: record('warn'), error: record('error') };
      await using gpu = createOnnxBackend({ executionProviders: ['cuda', 'cpu'], logger });
      const info = await gpu.init();
      expect(info).toMatchObject({ name: 'onnx', runtime: 'cpu', devices: [{ kind: 'cpu' }] });
      expect(info.version).toBe('1.30.0');
      expect(info.attempts.map((a: InitAttempt) => a.candidate)).toEqual(['cuda']);
      const cause = info.attempts[0]!.cause as InferoxError;
      expect(cause.code).toBe('BACKEND_UNAVAILABLE');
      expect(cause.message).toContain('execution provider cuda failed to initialise');
      expect((cause.cause as Error).message).toMatch(/Cuda|CUDA|shared library/);
      expect(lines.some(([level, , fields]) => level === 'warn' && fields?.provider === 'cuda')).toBe(true);
      await using handle = await gpu.loadModel({ bytes: identityModel(), name: 'id' });
      expect(handle.device).toEqual({ kind: 'cpu' });
      expect(lines.some(([level, message]) => level === 'info' && message === 'onnx model loaded')).toBe(true);
    });

    it('reports a provider missing from this build when coreml is preferred on linux', async () => {
      await using mac = createOnnxBackend({ executionProviders: ['coreml', 'cpu'] });
      const info = await mac.init();
      expect(info.runtime).toBe('cpu');
      expect((info.attempts[0]!.cause as Error).message).toContain('execution provider coreml is not in this onnxruntime-node build');
    });

    it('keeps the failure with every attempt when no preferred provider initialises', async () => {
      await using cudaOnly = createOnnxBackend({ executionProviders: ['cuda'] });
      const first = cudaOnly.init();
      expect(cudaOnly.init()).toBe(first);
      const error = await rejectionOf(first);
      expect(error.code).toBe('BACKEND_UNAVAILABLE');
      expect(error.message).toContain('no execution provider of [cuda] can be used');
      expect((error.details.attempts as InitAttempt[]).map((a) => a.candidate)).toEqual(['cuda']);
      expect(await cudaOnly.isAvailable()).toBe(false);
      expect((await rejectionOf(cudaOnly.loadModel({ bytes: identityModel() }))).code).toBe('BACKEND_UNAVAILABLE');
    });

    it('uses a per-model provider list and falls back when loadModel overrides executionProviders', async () => {
      const error = await rejectionOf(backend.loadModel({ bytes: identityModel() }, { executionProviders: ['cuda'] }));
      expect(error.code).toBe('BACKEND_UNAVAILABLE');
      expect(error.message).toContain('cuda failed to initialise');
      await using handle = await backend.loadModel({ bytes: identityModel() }, { executionProviders: ['cuda', 'cpu'] });
      expect(handle.metadata.runtime).toBe('cpu');
    });

    it('refuses a device no provider serves with DEVICE_ERROR and places cpu models when device is cpu', async () => {
      const cuda = await rejectionOf(backend.loadModel({ bytes: identityModel() }, { device: 'cuda:1' }));
      expect(cuda.code).toBe('DEVICE_ERROR');
      expect(cuda.message).toContain('device cuda:1 cannot be used by the onnx backend');
      const preferred = await rejectionOf(backend.loadModel({ bytes: identityModel() }, { device: 'cuda', executionProviders: ['cuda', 'cpu'] }));
      expect(preferred.code).toBe('DEVICE_ERROR');
      expect(preferred.message).toContain('cuda failed to initialise');
      const bad = await rejectionOf(backend.loadModel({ bytes: identityModel() }, { device: 'tpu' }));
      expect(bad.code).toBe('DEVICE_ERROR');
      expect(bad.message).toContain('"tpu"');
      await using handle = await backend.loadModel({ bytes: identityModel() }, { device: 'cpu', executionProviders: ['cuda'] });
      expect(handle.device).toEqual({ kind: 'cpu' });
    });
  });

  describe('options', () => {
    it('exposes a structured-cloneable factorySpec without the logger when created', () => {
      const b = createOnnxBackend({ executionProviders: ['cuda', 'cpu', 'cuda'], sessionOptions: { intraOpNumThreads: 1, interOpNumThreads: undefined }, logger: { debug() {}, info() {}, warn() {}, error() {} } });
      expect(b.name).toBe('onnx');
      expect(structuredClone(b.factorySpec)).toEqual({
        module: new URL('./index.ts', import.meta.url).href,
        factory: 'createOnnxBackend',
        options: { executionProviders: ['cuda', 'cpu'], sessionOptions: { intraOpNumThreads: 1 } },
      });
      expect(createOnnxBackend().factorySpec.options).toEqual({ executionProviders: ['cpu'] });
    });

    it.each([
      [{ executionProviders: 'cuda' }, 'executionProviders must be a non-empty array'],
      [{ executionProviders: [] }, 'executionProviders must be a non-empty array'],
      [{ executionProviders: ['gpu'] }, 'unknown execution provider "gpu"'],
      [{ sessionOptions: { intraOpNumThreads: -1 } }, 'sessionOptions.intraOpNumThreads must be an integer from 0 up, got -1'],
      [{ sessionOptions: { graphOptimizationLevel: 'max' } }, 'sessionOptions.graphOptimizationLevel must be one of "disabled"'],
      [{ sessionOptions: { logSeverityLevel: 7 } }, 'sessionOptions.logSeverityLevel must be an integer from 0 to 4'],
      [{ sessionOptions: { enableCpuMemArena: 'yes' } }, 'sessionOptions.enableCpuMemArena must be a boolean'],
      [{ sessionOptions: { freeDimensionOverrides: { batch: 0 } } }, 'sessionOptions.freeDimensionOverrides must be an object of positive integers'],
      [{ sessionOptions: { logId: 3 } }, 'sessionOptions.logId must be a string'],
      [{ sessionOptions: { extra: [] } }, 'sessionOptions.extra must be a plain object'],
      [{ sessionOptions: { bogus: 1 } }, 'unknown session option sessionOptions.bogus'],
      [{ sessionOptions: { executionProviders: ['cpu'] } }, 'sessionOptions.executionProviders is not accepted here'],
      [{ sessionOptions: 'fast' }, 'sessionOptions must be a plain object, got string'],
      [null, 'onnx backend options must be an object'],
    ])('throws INVALID_INPUT naming the option when created with %j', async (options, message) => {
      const error = await rejectionOf(() => createOnnxBackend(options as never));
      expect(error.code).toBe('INVALID_INPUT');
      expect(error.message).toContain(message);
    });

    it.each([
      [{ name: '' }, 'options.name must be a non-empty string'],
      [{ sessionOptions: { executionMode: 'turbo' } }, 'options.sessionOptions.executionMode must be one of'],
      [{ executionProviders: ['npu'] }, 'options.executionProviders has unknown execution provider "npu"'],
      [null, 'onnx loadModel options must be an object, got null'],
    ])('rejects loadModel with INVALID_INPUT naming the option when given %j', async (options, message) => {
      const error = await rejectionOf(backend.loadModel({ bytes: identityModel() }, options as never));
      expect(error.code).toBe('INVALID_INPUT');
      expect(error.message).toContain(message);
    });

    it.each([
      [{ sesionOptions: { intraOpNumThreads: 1 } }, 'options.sesionOptions'],
      [{ executionProvider: ['cpu'] }, 'options.executionProvider'],
      [{ runtime: 'wasm' }, 'options.runtime'],
    ])('rejects loadModel with INVALID_INPUT naming the unknown option %j and listing the known ones', async (options, option) => {
      const error = await rejectionOf(backend.loadModel({ bytes: identityModel() }, options as never));
      expect(error.code).toBe('INVALID_INPUT');
      expect(error.message).toBe(`unknown option ${option} of the onnx backend's loadModel; known: name, device, cpuThreads, sessionOptions, executionProviders`);
      expect(error.details).toEqual({ option, known: ['name', 'device', 'cpuThreads', 'sessionOptions', 'executionProviders'] });
    });

    it('passes session options through to onnxruntime, with undefined keys stripped, when loading', async () => {
      const optimized = join(tmp.dir, 'optimized.onnx');
      await using handle = await backend.loadModel(join(BERT_DIR, 'model.onnx'), {
        sessionOptions: {
          intraOpNumThreads: 1,
          interOpNumThreads: undefined,
          graphOptimizationLevel: 'basic',
          executionMode: 'sequential',
          enableCpuMemArena: false,
          enableMemPattern: true,
          freeDimensionOverrides: { batch: 3, sequence: undefined as unknown as number },
          optimizedModelFilePath: optimized,
          extra: { session: { intra_op: { allow_spinning: '0' } }, unused: undefined },
        },
      });
      expect((await stat(optimized)).size).toBeGreaterThan(1_000_000);
      await expectReference(handle);
    });
  });

  describe('sources', () => {
    it('loads bytes, a folder holding model.onnx, and config.json given as an hf-checkpoint', async () => {
      await using bytes = await backend.loadModel({ bytes: identityModel(), format: 'onnx', name: 'identity' });
      expect(bytes.name).toBe('identity');
      expect(bytes.metadata.source).toBe('identity (bytes)');
      const out = await bytes.run({ x: Tensor.from('float32', [1, 2, 3], [3]) });
      expect(Array.from(out.y!.data as Float32Array)).toEqual([1, 2, 3]);
      const folder = join(tmp.dir, 'onnx-only');
      await mkdir(folder);
      await writeFile(join(folder, 'model.onnx'), identityModel());
      await using fromFolder = await backend.loadModel(folder);
      expect(fromFolder.name).toBe('onnx-only');
      await using onnxOfBert = await backend.loadModel({ path: BERT_DIR, format: 'onnx' });
      expect(onnxOfBert.metadata.format).toBe('onnx');
      await using fromConfig = await backend.loadModel({ path: join(BERT_DIR, 'config.json'), format: 'hf-checkpoint' });
      expect(fromConfig.metadata.architecture).toBe('bert');
    });

    it('loads an ONNX file whose weights are external data beside it', async () => {
      const g = new OnnxGraphBuilder();
      const x = g.addInput('x', 'float32', [4]);
      const w = g.addInitializer('w', Tensor.from('float32', new Float32Array(512).fill(0.5).map((v, i) => v * (i % 4)), [128, 4]));
      const sum = g.op('ReduceSum', [w, g.ints([0])], { keepdims: 0 });
      g.addOutput(g.op('Add', [x, sum], {}, 'y'), 'float32', [4]);
      const { model, data } = g.toBytesWithExternalData('weights.bin', 1024);
      expect(data.length).toBe(2048);
      const dir = join(tmp.dir, 'external');
      await mkdir(dir);
      await writeFile(join(dir, 'net.onnx'), model);
      await writeFile(join(dir, 'weights.bin'), data);
      await using handle = await backend.loadModel(join(dir, 'net.onnx'));
      // dim 0 is fixed (4): no batch dimension, so the engine does not batch it by default.
      expect(handle.batchable).toBe(false);
      expect(handle.name).toBe('net');
      const out = await handle.run({ x: Tensor.from('float32', [1, 1, 1, 1], [4]) });
      expect(Array.from(out.y!.data as Float32Array)).toEqual([1, 65, 129, 193]);
    });

    it.each([
      [{ bytes: 'abc' }, 'source.bytes must be a Uint8Array'],
      [{ bytes: new Uint8Array(4), format: 'hf-checkpoint' }, 'source.format "hf-checkpoint" cannot be loaded from bytes'],
      [{ path: BERT_DIR, format: 'tfjs-graph' }, 'source.format "tfjs-graph" is not one the onnx backend loads'],
      [{ path: join(BERT_DIR, 'model.onnx'), format: 'hf-checkpoint' }, 'model.onnx is a file; a hf-checkpoint source is a folder'],
      [42, 'a model source must be a path'],
      ['/nonexistent/inferox/model.onnx', 'model source "/nonexistent/inferox/model.onnx" does not exist'],
    ])('rejects with INVALID_INPUT when the source is %j', async (source, message) => {
      const error = await rejectionOf(backend.loadModel(source as never));
      expect(error.code).toBe('INVALID_INPUT');
      expect(error.message).toContain(message);
    });

    it('rejects with PACKAGE_INVALID naming the file when it is corrupt, truncated, empty or not ONNX', async () => {
      const onnx = await readFile(join(BERT_DIR, 'model.onnx'));
      const files: [string, Uint8Array][] = [
        ['garbage.onnx', Uint8Array.from({ length: 4096 }, (_, i) => (i * 2654435761) % 251)],
        ['truncated.onnx', onnx.subarray(0, onnx.length >> 1)],
        ['empty.onnx', new Uint8Array(0)],
        ['weights.onnx', await readFile(join(BERT_DIR, 'model.safetensors'))],
        ['config.onnx', await readFile(join(BERT_DIR, 'config.json'))],
      ];
      for (const [name, bytes] of files) {
        await writeFile(join(tmp.dir, name), bytes);
        const error = await rejectionOf(backend.loadModel(join(tmp.dir, name)));
        expect(error.code, name).toBe('PACKAGE_INVALID');
        expect(error.message).toContain(join(tmp.dir, name));
      }
      const fromBytes = await rejectionOf(backend.loadModel({ bytes: onnx.subarray(0, 1000), name: 'cut' }));
      expect(fromBytes.code).toBe('PACKAGE_INVALID');
      expect(fromBytes.message).toContain('cut (bytes): onnxruntime cannot load the model');
      const empty = join(tmp.dir, 'empty-folder');
      await mkdir(empty);
      const folder = await rejectionOf(backend.loadModel(empty));
      expect(folder.code).toBe('PACKAGE_INVALID');
      expect(folder.message).toContain('empty-folder" is: the folder holds neither metadata.json');
    });

    it('refuses a FIFO as model.safetensors or config.json at once instead of hanging, naming the file', async () => {
      for (const file of ['model.safetensors', 'config.json']) {
        const dir = join(tmp.dir, `fifo-${file}`);
        await mkdir(dir);
        for (const other of ['model.safetensors', 'config.json'].filter((f) => f !== file)) await copyFile(join(BERT_DIR, other), join(dir, other));
        execFileSync('mkfifo', [join(dir, file)]);
        const error = await rejectionOf(backend.loadModel(dir));
        expect(error.code).toBe('PACKAGE_INVALID');
        expect(error.message).toContain(`${join(dir, file)}: cannot read: a FIFO, not a regular file`);
      }
    });

    it('rejects with INVALID_INPUT naming a package folder or a symbolic link loop for what they are', async () => {
      const pkg = join(tmp.dir, 'a-package');
      await mkdir(pkg);
      await writeFile(join(pkg, 'metadata.json'), '{}');
      const error = await rejectionOf(backend.loadModel(pkg));
      expect(error.code).toBe('INVALID_INPUT');
      expect(error.message).toContain('is an Inferox package (load it with @inferox/mlpkg); the onnx backend loads hf-checkpoint, onnx sources');
      await symlink(join(tmp.dir, 'loop-b'), join(tmp.dir, 'loop-a'));
      await symlink(join(tmp.dir, 'loop-a'), join(tmp.dir, 'loop-b'));
      const loop = await rejectionOf(backend.loadModel(join(tmp.dir, 'loop-a')));
      expect(loop.code).toBe('INVALID_INPUT');
      expect(loop.message).toContain('cannot be read: a symbolic link loop');
    });

    it('rejects with BACKEND_ERROR naming the file when onnxruntime refuses a well-formed model', async () => {
      const g = new OnnxGraphBuilder();
      g.addInput('x', 'float32', [1]);
      g.addOutput(g.op('NoSuchOp', ['x'], {}, 'y'), 'float32', [1]);
      await writeFile(join(tmp.dir, 'unknown-op.onnx'), g.toBytes());
      const error = await rejectionOf(backend.loadModel(join(tmp.dir, 'unknown-op.onnx')));
      expect(error.code).toBe('BACKEND_ERROR');
      expect(error.message).toContain('unknown-op.onnx: onnxruntime cannot load the model');
      expect(error.message).toContain('NoSuchOp');
      expect(error.cause).toBeInstanceOf(Error);
    });

    it('rejects with BACKEND_ERROR naming the source when onnxruntime-node cannot hold an input type', async () => {
      const g = new OnnxGraphBuilder();
      g.addInput('x', 'bfloat16', [1]);
      g.addOutput(g.op('Cast', ['x'], { to: 1 }, 'y'), 'float32', [1]);
      const error = await rejectionOf(backend.loadModel({ bytes: g.toBytes(), name: 'bf16' }));
      expect(error.code).toBe('BACKEND_ERROR');
      expect(error.message).toContain('bf16 (bytes): onnxruntime cannot load the model: Unsupported data type: 16');
    });
  });

  describe('cancellation and disposal', () => {
    it('rejects with CANCELLED when the signal is aborted before or during loadModel, and init after init resolves', async () => {
      const aborted = AbortSignal.abort(new Error('stop'));
      expect((await rejectionOf(backend.loadModel(BERT_DIR, {}, { signal: aborted }))).code).toBe('CANCELLED');
      // Before any init the signal stops it (and the cancellation is not memoised); after init it has nothing left
      // to stop, so the memoised promise answers.
      const fresh = createOnnxBackend();
      expect((await rejectionOf(fresh.init({ signal: aborted }))).code).toBe('CANCELLED');
      const info = await fresh.init();
      await expect(fresh.init({ signal: aborted })).resolves.toBe(info);
      await fresh.dispose();
      const controller = new AbortController();
      const loading = backend.loadModel(BERT_DIR, {}, { signal: controller.signal });
      controller.abort(new Error('changed my mind'));
      const error = await rejectionOf(loading);
      expect(error.code).toBe('CANCELLED');
      expect((error.cause as Error).message).toBe('changed my mind');
    });

    it('lets a run in flight finish, then releases the session, when disposed during the run', async () => {
      const handle = await backend.loadModel(join(BERT_DIR, 'model.onnx'));
      const running = handle.run(bertFeeds());
      const disposing = handle.dispose();
      expect(handle.disposed).toBe(true);
      expect(handle.dispose()).toBe(disposing);
      const out = await running;
      await disposing;
      expectBertReference(out, reference, { outputs: ['pooler_output'] });
      const error = await rejectionOf(handle.run(bertFeeds()));
      expect(error.code).toBe('DISPOSED');
      expect(error.message).toContain('model "model" (onnx) was disposed');
    });

    it('disposes its models and refuses further use with DISPOSED when the backend is disposed', async () => {
      const own = createOnnxBackend();
      const handle = await own.loadModel({ bytes: identityModel(), name: 'id' });
      const disposing = own.dispose();
      expect(own.dispose()).toBe(disposing);
      await disposing;
      expect(handle.disposed).toBe(true);
      expect((await rejectionOf(handle.run({ x: Tensor.from('float32', [1], [1]) }))).code).toBe('DISPOSED');
      const load = await rejectionOf(own.loadModel({ bytes: identityModel() }));
      expect(load.code).toBe('DISPOSED');
      expect(load.message).toContain('the onnx backend was disposed');
      expect((await rejectionOf(own.init())).code).toBe('DISPOSED');
      expect(await own.isAvailable()).toBe(false);
      await own[Symbol.asyncDispose]();
    });

    it('refuses with DISPOSED when the backend is disposed while a model loads', async () => {
      const own = createOnnxBackend();
      await own.init();
      const loading = own.loadModel({ bytes: identityModel() });
      await own.dispose();
      const error = await rejectionOf(loading);
      expect(error.code).toBe('DISPOSED');
    });
  });
});
