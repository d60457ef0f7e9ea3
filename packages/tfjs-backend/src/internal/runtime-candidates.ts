import { createRequire } from 'node:module';
import { type Device, ErrorCode, type InitAttempt, InferoxError } from '@inferox/core';
import { TFJS_RUNTIMES, type TfjsRuntime, type TfjsRuntimeOption } from '../tfjs-runtime';
import type { Tf } from './tf-module';

/** How runtime packages are found and loaded; replaced in tests to produce faults that cannot happen for real here. */
export interface RuntimeModuleLoader {
  /** Resolves a package specifier; throws when the package is not installed. */
  resolve(specifier: string): string;
  /** Imports a package (registering its tfjs backend as a side effect). */
  import(specifier: string): Promise<unknown>;
}

/** What each runtime needs: the package that registers it, the tfjs backend name it registers, its device. */
export interface RuntimeCandidate {
  readonly runtime: TfjsRuntime;
  readonly module: string;
  readonly tfjsBackend: string;
  readonly device: Device;
}

/** The runtimes, in `auto` order. */
export const RUNTIME_CANDIDATES: Readonly<Record<TfjsRuntime, RuntimeCandidate>> = {
  'node-gpu': { runtime: 'node-gpu', module: '@tensorflow/tfjs-node-gpu', tfjsBackend: 'tensorflow', device: { kind: 'cuda' } },
  node: { runtime: 'node', module: '@tensorflow/tfjs-node', tfjsBackend: 'tensorflow', device: { kind: 'cpu' } },
  wasm: { runtime: 'wasm', module: '@tensorflow/tfjs-backend-wasm', tfjsBackend: 'wasm', device: { kind: 'wasm' } },
  cpu: { runtime: 'cpu', module: '@tensorflow/tfjs-backend-cpu', tfjsBackend: 'cpu', device: { kind: 'cpu' } },
};

/** The real loader: `require.resolve` to tell "not installed" from "failed to load", then a dynamic import. */
export const defaultModuleLoader: RuntimeModuleLoader = {
  resolve: (specifier) => createRequire(import.meta.url).resolve(specifier),
  import: (specifier) => {
    // Literal specifiers for the bundled runtimes so bundlers see them; the optional peers stay dynamic.
    if (specifier === RUNTIME_CANDIDATES.wasm.module) return import('@tensorflow/tfjs-backend-wasm');
    if (specifier === RUNTIME_CANDIDATES.cpu.module) return import('@tensorflow/tfjs-backend-cpu');
    return import(/* @vite-ignore */ specifier);
  },
};

/** The runtime chosen, with the earlier candidates that were not used. */
export interface RuntimeSelection {
  readonly runtime: TfjsRuntime;
  readonly tfjsBackend: string;
  readonly devices: readonly Device[];
  readonly attempts: readonly InitAttempt[];
}

const messageOf = (error: unknown): string => (error instanceof Error ? error.message : String(error));

/**
 * Loads one runtime and makes it tfjs' active backend.
 *
 * @throws InferoxError `BACKEND_UNAVAILABLE` saying whether the package is not installed, failed to load or failed
 * to initialise, with the original error as `cause`.
 */
export async function activateRuntime(tf: Tf, runtime: TfjsRuntime, loader: RuntimeModuleLoader): Promise<RuntimeCandidate> {
  const candidate = RUNTIME_CANDIDATES[runtime];
  const fail = (reason: string, cause: unknown): InferoxError =>
    new InferoxError(ErrorCode.BACKEND_UNAVAILABLE, `tfjs runtime ${runtime}: ${candidate.module} ${reason}`, {
      cause,
      details: { runtime, module: candidate.module },
    });
  try {
    loader.resolve(candidate.module);
  } catch (error) {
    const missing = (error as NodeJS.ErrnoException | null)?.code === 'MODULE_NOT_FOUND';
    throw fail(missing ? 'is not installed' : `cannot be resolved: ${messageOf(error)}`, error);
  }
  try {
    await loader.import(candidate.module);
  } catch (error) {
    throw fail(`failed to load: ${messageOf(error)}`, error);
  }
  let activated: boolean;
  try {
    activated = await tf.setBackend(candidate.tfjsBackend);
    await tf.ready();
  } catch (error) {
    throw fail(`failed to initialise: ${messageOf(error)}`, error);
  }
  if (!activated || tf.getBackend() !== candidate.tfjsBackend) {
    throw fail(`failed to initialise: tfjs could not activate its "${candidate.tfjsBackend}" backend`, new Error(`tf.setBackend("${candidate.tfjsBackend}") returned false`));
  }
  return candidate;
}

/**
 * Tries the requested runtime, or for `auto` each of {@link TFJS_RUNTIMES} in order, loading each only when tried.
 *
 * @throws InferoxError `BACKEND_UNAVAILABLE` listing every attempt (also in `details.attempts`).
 */
export async function selectRuntime(tf: Tf, requested: TfjsRuntimeOption, loader: RuntimeModuleLoader): Promise<RuntimeSelection> {
  const order: readonly TfjsRuntime[] = requested === 'auto' ? TFJS_RUNTIMES : [requested];
  const attempts: InitAttempt[] = [];
  for (const runtime of order) {
    try {
      const candidate = await activateRuntime(tf, runtime, loader);
      return { runtime, tfjsBackend: candidate.tfjsBackend, devices: [candidate.device], attempts };
    } catch (error) {
      attempts.push({ candidate: runtime, cause: error });
    }
  }
  const summary = attempts.map((a) => messageOf(a.cause)).join('; ');
  throw new InferoxError(ErrorCode.BACKEND_UNAVAILABLE, `no tfjs runtime could be used (requested ${requested}): ${summary}`, {
    details: { requested, attempts },
  });
}
