import {
  type Backend,
  type BackendFactorySpec,
  type BackendInfo,
  type Device,
  type DType,
  type Dim,
  ErrorCode,
  type InitAttempt,
  InferoxError,
  type LoadModelOptions,
  type Logger,
  type ModelHandle,
  type ModelSignature,
  type ModelSource,
  type OwnLoadModelOptionNames,
  type SignalOptions,
  type TensorSpec,
  abortError,
  checkLoadModelOptions,
  noopLogger,
  parseDevice,
  throwIfAborted,
} from '@inferox/core';
import type * as Ort from 'onnxruntime-node';
import { buildCheckpoint } from './internal/build-checkpoint';
import { PROVIDER_DEVICES, checkExecutionProviders } from './internal/execution-providers';
import { type OrtModule, loadOrt } from './internal/load-ort';
import { createOnnxModelHandle, withDeclaredLimits } from './internal/onnx-model-handle';
import { isOrtDType } from './internal/ort-tensor';
import { probeProvider } from './internal/probe-provider';
import { type OnnxSource, onnxSource } from './internal/onnx-source';
import { DEFAULT_SESSION_CONFIG, defaultIntraOpThreads } from './internal/size-defaults';
import { checkSessionOptions } from './internal/session-options';
import type { OnnxSessionOptions } from './onnx-session-options';

/** The package entry a worker thread imports to re-create this backend: `src/index.ts` from sources, else `dist/index.js`. */
const ENTRY_URL = new URL(import.meta.url.endsWith('.ts') ? './index.ts' : './index.js', import.meta.url).href;

/**
 * onnxruntime writes its own log lines (warnings, and errors it also throws) to stderr, which breaks a CLI's one
 * error line; by default only fatal ones are printed. `sessionOptions.logSeverityLevel` turns them back on.
 */
const QUIET_NATIVE_LOG = { logSeverityLevel: 4 } as const;

/**
 * What a session gets unless its options say otherwise, key by key: quiet native logs, intra-op threads by model
 * size (within the load's `cpuThreads`), threads that do not spin.
 */
function sessionDefaults(modelBytes: number, cpuThreads: number | undefined): OnnxSessionOptions {
  return { ...QUIET_NATIVE_LOG, intraOpNumThreads: defaultIntraOpThreads(modelBytes, cpuThreads), extra: DEFAULT_SESSION_CONFIG };
}

/** Options of {@link createOnnxBackend}. Everything but `logger` is structured-cloneable (it travels to workers). */
export interface OnnxBackendOptions {
  /**
   * Execution providers in order of preference (`cpu`, `cuda`, `tensorrt`, `webgpu`, `coreml`). The first one that
   * initialises is used; why each earlier one failed is reported by `init()`.
   * @defaultValue `['cpu']`
   */
  readonly executionProviders?: readonly string[];
  /** onnxruntime session options for every model (threads, graph optimisation, memory arena, ...). */
  readonly sessionOptions?: OnnxSessionOptions;
  /** Where log lines go. @defaultValue `noopLogger` */
  readonly logger?: Logger;
}

/**
 * Options of the ONNX backend's `loadModel`: the common ones and these; any other key is a compile error, and
 * `INVALID_INPUT` naming it for JavaScript callers.
 */
export interface OnnxLoadModelOptions extends LoadModelOptions {
  /** Overrides the backend's session options, key by key. */
  readonly sessionOptions?: OnnxSessionOptions;
  /** Overrides the backend's provider preference list for this model. */
  readonly executionProviders?: readonly string[];
}

/** The ONNX backend: a core {@link Backend} with onnx-specific load options. */
export interface OnnxBackend extends Backend<OnnxLoadModelOptions> {
  readonly name: 'onnx';
  readonly factorySpec: BackendFactorySpec;
  /**
   * Loads an `.onnx` file (external data is read from beside it), ONNX bytes, or a Hugging Face checkpoint folder
   * whose `model_type` `@inferox/hf-checkpoint`'s architecture table lists for onnx (`bert`, `inferox-mlp`).
   *
   * @returns a handle owned by the caller.
   * @throws InferoxError `INVALID_INPUT` (bad option or source, naming it; an unknown option, listing the known
   * ones), `DEVICE_ERROR` (a `device` no provider
   * serves), `PACKAGE_INVALID` (a corrupt, truncated or non-ONNX file, a bad checkpoint; naming the file),
   * `BACKEND_ERROR` (onnxruntime refused the model; its error is the cause), `BACKEND_UNAVAILABLE`, `CANCELLED`,
   * `DISPOSED`.
   */
  loadModel(source: ModelSource, options?: OnnxLoadModelOptions, context?: SignalOptions): Promise<ModelHandle>;
}

/** The ONNX backend's own `loadModel` options; the type makes this list complete. */
const LOAD_OPTION_NAMES: OwnLoadModelOptionNames<OnnxLoadModelOptions> = { sessionOptions: true, executionProviders: true };

const ORT_TO_DTYPE = (type: string | undefined): DType | undefined => (type !== undefined && isOrtDType(type) ? type : undefined);

function signatureOf(metadata: readonly Ort.InferenceSession.ValueMetadata[], kind: 'input' | 'output', label: string): TensorSpec[] {
  return metadata.map((m) => {
    const dtype = m.isTensor ? ORT_TO_DTYPE(m.type) : undefined;
    if (!m.isTensor || !dtype) {
      throw new InferoxError(ErrorCode.PACKAGE_INVALID, `${label}: ${kind} ${JSON.stringify(m.name)} is not a tensor of a type Inferox can hold`, { details: { file: label, [kind]: m.name } });
    }
    const shape: Dim[] = m.shape.map((d) => (typeof d === 'number' ? d : d === '' ? null : d));
    return { name: m.name, dtype, shape };
  });
}

function ortLoadError(error: unknown, label: string): InferoxError {
  const message = (error as Error)?.message ?? String(error);
  const corrupt = /protobuf parsing failed|no graph|INVALID_PROTOBUF|model_proto|ModelProto/i.test(message);
  return new InferoxError(corrupt ? ErrorCode.PACKAGE_INVALID : ErrorCode.BACKEND_ERROR, `${label}: onnxruntime cannot load the model: ${message}`, {
    cause: error,
    details: { file: label },
  });
}

/**
 * Creates the onnxruntime-node backend. Nothing is imported or initialised until `init()` (or the first
 * `loadModel`).
 *
 * @throws InferoxError `INVALID_INPUT` naming a bad option (unknown provider, bad session option).
 * @example
 * ```ts
 * const backend = createOnnxBackend({ executionProviders: ['cuda', 'cpu'], sessionOptions: { intraOpNumThreads: 2 } });
 * const info = await backend.init(); // info.runtime: 'cpu', info.attempts[0].candidate: 'cuda'
 * const bert = await backend.loadModel('fixtures/tiny-bert-hf'); // built from config.json + model.safetensors
 * const { last_hidden_state } = await bert.run({ input_ids, attention_mask, token_type_ids });
 * await backend.dispose();
 * ```
 */
export function createOnnxBackend(options: OnnxBackendOptions = {}): OnnxBackend {
  if (typeof options !== 'object' || options === null) throw new InferoxError(ErrorCode.INVALID_INPUT, 'onnx backend options must be an object');
  const providers = checkExecutionProviders(options.executionProviders) ?? ['cpu'];
  const sessionOptions = checkSessionOptions(options.sessionOptions);
  const logger = options.logger ?? noopLogger;
  const handles = new Set<ModelHandle>();
  let initialised: Promise<BackendInfo> | undefined;
  let disposed: Promise<void> | undefined;

  /** The first provider of `candidates` that works, and why each earlier one did not. */
  const choose = async (ort: OrtModule, candidates: readonly string[], level: 'warn' | 'debug'): Promise<{ provider?: string; attempts: InitAttempt[] }> => {
    const attempts: InitAttempt[] = [];
    for (const candidate of candidates) {
      const failed = await probeProvider(ort, candidate);
      if (!failed) return { provider: candidate, attempts };
      logger[level]('onnx execution provider unavailable, trying the next one', { provider: candidate, reason: (failed.cause as Error).message });
      attempts.push(failed);
    }
    return { attempts };
  };

  const start = async (): Promise<BackendInfo> => {
    let ort: OrtModule;
    try {
      ort = await loadOrt();
    } catch (error) {
      const cause = new InferoxError(ErrorCode.BACKEND_UNAVAILABLE, `onnxruntime-node cannot be loaded: ${(error as Error)?.message}`, { cause: error });
      throw new InferoxError(ErrorCode.BACKEND_UNAVAILABLE, cause.message, { cause: error, details: { attempts: [{ candidate: 'onnxruntime-node', cause }] } });
    }
    const { provider, attempts } = await choose(ort, providers, 'warn');
    if (!provider) {
      throw new InferoxError(
        ErrorCode.BACKEND_UNAVAILABLE,
        `no execution provider of [${providers.join(', ')}] can be used: ${attempts.map((a) => (a.cause as Error).message).join('; ')}`,
        { details: { attempts } },
      );
    }
    const devices: Device[] = [{ kind: PROVIDER_DEVICES[provider]! }];
    if (provider !== 'cpu') devices.push({ kind: 'cpu' });
    logger.info('onnx backend initialised', { provider, fallbacks: attempts.map((a) => a.candidate) });
    return { name: 'onnx', runtime: provider, devices, attempts, version: ort.env.versions.node ?? ort.env.versions.common };
  };

  const assertLive = (what: string): void => {
    if (disposed) throw new InferoxError(ErrorCode.DISPOSED, `the onnx backend was disposed; cannot ${what}`);
  };

  const init = (context?: SignalOptions): Promise<BackendInfo> => {
    if (disposed) return Promise.reject(new InferoxError(ErrorCode.DISPOSED, 'the onnx backend was disposed; cannot init'));
    // A signal stops only work still to start: once init started, every call returns the memoised promise.
    if (!initialised && context?.signal?.aborted) return Promise.reject(abortError(context.signal, 'onnx backend init'));
    initialised ??= start();
    return initialised;
  };

  const open = async (ort: OrtModule, resolved: OnnxSource, ep: Ort.InferenceSession.ExecutionProviderConfig, session: OnnxSessionOptions, cpuThreads: number | undefined, signal?: AbortSignal) => {
    let target: string | Uint8Array;
    let label: string;
    let memoryBytes: number;
    let metadata: Record<string, string> = {};
    let declared: ModelSignature | undefined;
    if (resolved.kind === 'checkpoint') {
      const built = await buildCheckpoint(resolved.dir, { signal });
      declared = built.signature;
      target = built.bytes;
      label = resolved.dir;
      memoryBytes = built.weightBytes;
      metadata = { format: 'hf-checkpoint', architecture: built.modelType };
    } else if (resolved.kind === 'onnx-file') {
      target = resolved.path;
      label = resolved.path;
      memoryBytes = resolved.bytes;
      metadata = { format: 'onnx' };
    } else {
      target = resolved.bytes;
      label = `${resolved.name} (bytes)`;
      memoryBytes = resolved.bytes.length;
      metadata = { format: 'onnx' };
    }
    throwIfAborted(signal, `loading ${label}`);
    if (memoryBytes === 0) throw new InferoxError(ErrorCode.PACKAGE_INVALID, `${label}: the ONNX model is empty (0 bytes)`, { details: { file: label } });
    let created: Ort.InferenceSession;
    try {
      created = await (typeof target === 'string'
        ? ort.InferenceSession.create(target, { ...sessionDefaults(memoryBytes, cpuThreads), ...session, executionProviders: [ep] })
        : ort.InferenceSession.create(target, { ...sessionDefaults(memoryBytes, cpuThreads), ...session, executionProviders: [ep] }));
    } catch (error) {
      throw ortLoadError(error, label);
    }
    return { session: created, label, memoryBytes, metadata, declared };
  };

  const backend: OnnxBackend = {
    name: 'onnx',
    factorySpec: {
      // This package's own entry, resolved here (where the package is installed), never by name from the engine.
      module: ENTRY_URL,
      factory: 'createOnnxBackend',
      options: { executionProviders: [...providers], ...(Object.keys(sessionOptions).length > 0 ? { sessionOptions } : {}) },
    },

    async isAvailable(context?: SignalOptions): Promise<boolean> {
      try {
        await init(context);
        return true;
      } catch {
        return false;
      }
    },

    init,

    async devices(context?: SignalOptions): Promise<readonly Device[]> {
      return (await init(context)).devices;
    },

    async loadModel(source: ModelSource, given?: OnnxLoadModelOptions, context: SignalOptions = {}): Promise<ModelHandle> {
      assertLive('load a model');
      const signal = context.signal;
      throwIfAborted(signal, 'onnx loadModel');
      const loadOptions = checkLoadModelOptions(given, 'onnx', LOAD_OPTION_NAMES);
      const session = { ...sessionOptions, ...checkSessionOptions(loadOptions.sessionOptions, 'options.sessionOptions') };
      let candidates = checkExecutionProviders(loadOptions.executionProviders, 'options.executionProviders') ?? providers;
      const device = loadOptions.device === undefined ? undefined : parseDevice(loadOptions.device);
      await init({ signal });
      const ort = await loadOrt();
      if (device) {
        const matching = candidates.filter((c) => PROVIDER_DEVICES[c] === device.kind);
        candidates = matching.length > 0 || device.kind !== 'cpu' ? matching : ['cpu'];
      }
      const { provider, attempts } = await choose(ort, candidates, 'debug');
      if (!provider) {
        const why = attempts.map((a) => (a.cause as Error).message).join('; ');
        if (device) {
          throw new InferoxError(ErrorCode.DEVICE_ERROR, `device ${loadOptions.device} cannot be used by the onnx backend${why ? `: ${why}` : `; no execution provider of [${(loadOptions.executionProviders ?? providers).join(', ')}] runs on it`}`, {
            details: { device: loadOptions.device, attempts },
          });
        }
        throw new InferoxError(ErrorCode.BACKEND_UNAVAILABLE, `no execution provider of [${candidates.join(', ')}] can be used: ${why}`, { details: { attempts } });
      }
      const ep: Ort.InferenceSession.ExecutionProviderConfig = device?.index !== undefined && provider !== 'cpu' ? { name: provider, deviceId: device.index } as Ort.InferenceSession.ExecutionProviderConfig : provider;
      const resolved = await onnxSource(source, signal);
      throwIfAborted(signal, `onnx loadModel of ${resolved.name}`);
      const opened = await open(ort, resolved, ep, session, loadOptions.cpuThreads, signal);
      const release = async (): Promise<void> => {
        await opened.session.release();
      };
      if (signal?.aborted || disposed) {
        await release();
        assertLive('load a model');
        throw abortError(signal!, `onnx loadModel of ${resolved.name}`);
      }
      let signature;
      try {
        signature = withDeclaredLimits(
          { inputs: signatureOf(opened.session.inputMetadata, 'input', opened.label), outputs: signatureOf(opened.session.outputMetadata, 'output', opened.label) },
          opened.declared,
        );
      } catch (error) {
        await release();
        throw error;
      }
      const handle = createOnnxModelHandle({
        ort,
        session: opened.session,
        name: loadOptions.name ?? resolved.name,
        device: { kind: PROVIDER_DEVICES[provider]!, ...(device?.index !== undefined && provider !== 'cpu' ? { index: device.index } : {}) },
        signature,
        metadata: { ...opened.metadata, runtime: provider, source: opened.label },
        memoryBytes: opened.memoryBytes,
        logger,
        onDispose: (h) => handles.delete(h),
      });
      handles.add(handle);
      logger.info('onnx model loaded', { model: handle.name, provider, source: opened.label });
      return handle;
    },

    dispose(): Promise<void> {
      disposed ??= (async () => {
        await Promise.all([...handles].map((h) => h.dispose()));
      })();
      return disposed;
    },

    [Symbol.asyncDispose](): Promise<void> {
      return backend.dispose();
    },
  };
  return backend;
}
