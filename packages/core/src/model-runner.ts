import type { Tensor, TensorMap } from './tensor';

/** What a {@link ModelRunner} gets with each run. */
export interface RunContext {
  /** The caller's signal, already checked once before the run was handed over. */
  readonly signal: AbortSignal | undefined;
  /**
   * Throws `DISPOSED` when the handle's `dispose()` was called since the run started, `CANCELLED` when the caller's
   * signal fired. Call it where a run waits (for a lock, a worker) before starting work.
   */
  throwIfStopped(): void;
}

/**
 * What a backend supplies for one loaded model; {@link ManagedModelHandle} does everything else (feed validation,
 * output selection, abort checks, dispose state). The shape onnxruntime-common gives a backend's session handler
 * under its `InferenceSession`.
 */
export interface ModelRunner {
  /**
   * Computes `outputs` for feeds that already passed the signature's checks.
   *
   * @param feeds - exactly the declared inputs, validated; owned by the caller (do not keep or dispose them).
   * @param outputs - declared output names, each once, in the caller's order.
   * @returns a new tensor per name in `outputs`, owned by the caller.
   * @throws InferoxError `BACKEND_ERROR` (native cause attached), `DISPOSED` or `CANCELLED` from `throwIfStopped`.
   */
  run(feeds: TensorMap, outputs: readonly string[], context: RunContext): Promise<Record<string, Tensor>>;
  /** Frees the native resources. Called once, after every run that started has settled. */
  release(): Promise<void> | void;
}
