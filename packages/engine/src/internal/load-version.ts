import { ErrorCode, InferoxError, type ModelHandle, formatDevice, throwIfAborted } from '@inferox/core';
import type { ModelInfo } from '../model-info';
import { type ModelSpec, parseModelSpec } from '../model-spec';
import type { EngineState, PendingLoad } from './engine-state';
import { reserveMemory } from './evictor';
import { modelInfoOf } from './model-info-of';
import { parseModelName } from './model-name';
import { raceSignal } from './race-signal';
import { buildReplica, loadVersion } from './replica-loader';
import { inlineRun } from './inline-run';
import { retireVersion } from './retire';
import { type VersionEntry, label } from './version-entry';

function shutDownWhileLoading(entry: VersionEntry, cause?: unknown): InferoxError {
  return new InferoxError(ErrorCode.SHUT_DOWN, `the engine closed while ${label(entry)} was loading`, cause === undefined ? {} : { cause });
}

function unloadedWhileLoading(entry: VersionEntry, cause?: unknown): InferoxError {
  return new InferoxError(ErrorCode.CANCELLED, `load of ${label(entry)} was cancelled: the model was unloaded while it loaded`, { cause, details: { model: entry.name } });
}

/** Installs `entry` (a hot swap drains and retires the version it replaces) and returns its info. */
function install(state: EngineState, entry: VersionEntry): ModelInfo {
  const old = state.table.install(entry);
  if (old) {
    state.logger.info('model swapped', { model: label(entry) });
    void retireVersion(state, old, { drain: true });
  }
  return modelInfoOf(state.table, entry);
}

/**
 * Loads every replica of an explicit (not lazy) load. unload() of the name cancels it; closing the engine or the
 * caller's signal ends the wait at once (what loads later is retired, never installed). A load that succeeded stays
 * pending (unload() finds it there) until the caller takes it out, in the turn that installs it.
 */
async function loadNow(state: EngineState, entry: VersionEntry, callerSignal: AbortSignal | undefined): Promise<PendingLoad> {
  const cancel = new AbortController();
  const signal = AbortSignal.any(callerSignal ? [callerSignal, state.lifetime.signal, cancel.signal] : [state.lifetime.signal, cancel.signal]);
  const loading = state.background.track(loadVersion(state, entry, signal));
  const pending: PendingLoad = { entry, cancel, settled: loading.then(() => undefined, () => undefined) };
  state.pendingLoads.add(pending);
  try {
    // A backend that does not heed the signal is not waited for: what it loads later is retired.
    await raceSignal(loading, signal, `load of ${label(entry)}`);
  } catch (error) {
    state.pendingLoads.delete(pending);
    if (signal.aborted) void loading.then(() => retireVersion(state, entry, { drain: false }), () => undefined);
    if (state.phase !== 'open') throw shutDownWhileLoading(entry, error);
    if (entry.removed) throw unloadedWhileLoading(entry, error);
    throw error;
  }
  return pending;
}

/**
 * `engine.load`: parses the name and spec, loads (or, for `lazy`, only registers) the version and installs it.
 *
 * @throws InferoxError `INVALID_INPUT`, `BACKEND_UNAVAILABLE`, `OUT_OF_MEMORY`, `PACKAGE_INVALID`, `BACKEND_ERROR`,
 * `CANCELLED`, `SHUT_DOWN`.
 */
export async function loadModel(state: EngineState, nameText: string, specInput: ModelSpec, signal: AbortSignal | undefined): Promise<ModelInfo> {
  const { name, version: named } = parseModelName(nameText);
  const spec = parseModelSpec(specInput);
  if (named !== undefined && spec.version !== undefined && named !== spec.version) {
    throw new InferoxError(ErrorCode.INVALID_INPUT, `spec.version ${spec.version} contradicts the name ${JSON.stringify(nameText)}`, { details: { field: 'spec.version' } });
  }
  throwIfAborted(signal, `load of ${name}`);
  const version = named ?? spec.version ?? state.table.newest(name) ?? 1;
  const entry = state.table.create(name, version, spec.lazy ? 'lazy' : 'loading', spec);
  if (spec.lazy) {
    // Fail fast on backends the engine does not have.
    for (const b of spec.replicas?.map((r) => r.backend) ?? spec.backends ?? []) state.registry.get(b);
  } else {
    // Out of the pending loads only here, with no await until the install below: an unload() either found this
    // load (and marked the entry removed) or comes after the install.
    state.pendingLoads.delete(await loadNow(state, entry, signal));
    if (entry.removed) {
      // unload() was called while this load ran: an unloaded name is not brought back by a load that was in flight.
      await retireVersion(state, entry, { drain: false });
      throw unloadedWhileLoading(entry);
    }
  }
  if (state.phase !== 'open') {
    await retireVersion(state, entry, { drain: false });
    throw shutDownWhileLoading(entry);
  }
  const info = install(state, entry);
  state.logger.info('model loaded', { model: label(entry), state: entry.state, backends: entry.replicas.map((r) => r.backend) });
  return info;
}

/** What a registered handle is charged when it reports no memory: nothing, and `info()` says so. */
const UNREPORTED_HANDLE = 'the handle reports no memory; nothing is charged';

/**
 * `engine.register`: serves a caller's handle (the engine owns it from then on).
 *
 * @throws InferoxError `INVALID_INPUT`, `OUT_OF_MEMORY` (the caller keeps ownership then), `SHUT_DOWN`.
 */
export async function registerHandle(state: EngineState, nameText: string, handle: ModelHandle, version: number | undefined, signal: AbortSignal | undefined): Promise<ModelInfo> {
  const { name, version: named } = parseModelName(nameText);
  if (typeof handle?.run !== 'function' || typeof handle.signature !== 'object' || handle.signature === null) {
    throw new InferoxError(ErrorCode.INVALID_INPUT, `register ${JSON.stringify(nameText)}: handle is not a ModelHandle`, { details: { field: 'handle' } });
  }
  if (handle.disposed) throw new InferoxError(ErrorCode.INVALID_INPUT, `register ${JSON.stringify(nameText)}: the handle was disposed`, { details: { field: 'handle' } });
  throwIfAborted(signal, `register of ${name}`);
  const entry = state.table.create(name, named ?? version ?? state.table.newest(name) ?? 1, 'ready');
  const memoryBytes = handle.memoryBytes > 0 ? handle.memoryBytes : 0;
  const token = {};
  await Promise.all(reserveMemory(state, token, memoryBytes, `registering ${label(entry)}`, entry, `registering ${label(entry)}`));
  state.ledger.release(token);
  if (state.phase !== 'open') throw new InferoxError(ErrorCode.SHUT_DOWN, `register of ${JSON.stringify(nameText)}: the engine is closed`);
  const run = inlineRun(handle);
  const replica = buildReplica(state, entry, handle.backend, {
    device: formatDevice(handle.device),
    signature: handle.signature,
    metadata: handle.metadata,
    memoryBytes,
    ...(memoryBytes > 0 ? {} : { memoryBasis: UNREPORTED_HANDLE }),
    mode: 'inline',
    runs: [run],
    lost: () => handle.disposed,
    release: () => handle.dispose(),
  });
  state.ledger.charge(replica, memoryBytes, `${label(entry)} on ${handle.backend}`);
  entry.replicas = [replica];
  return install(state, entry);
}
