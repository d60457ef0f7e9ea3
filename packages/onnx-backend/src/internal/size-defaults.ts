/** Models below this many bytes of weights are small: one intra-op thread and four runs in flight by default. */
export const ONE_THREAD_BELOW_BYTES = 16 * 2 ** 20;

/** Runs a small model's handle takes at once. */
export const SMALL_MODEL_RUNS_IN_FLIGHT = 4;

/**
 * The intra-op thread count a session gets when its options give none: one thread for a model under 16 MiB, else
 * `undefined` (onnxruntime's own default, a thread per physical core).
 *
 * `session.run` is called from Node's main thread, which also runs the event loop, the engine and the caller's code.
 * A small model's operators are too short for a second thread to pay for waking it, and its spinning competes with
 * that main thread; a larger one gains from the threads. Measured on 2 idle cores (benches scenario 13, sequence 128,
 * `npm run bench -- --quick`): the tiny BERT (8 MiB) served 1.18× the 32-client requests/s with one thread at the same
 * one-client p50; the small BERT (43 MiB) had a 1.55× higher p50 and 0.73× the requests/s with one thread.
 * `intraOpNumThreads: 0` asks for onnxruntime's default for any model.
 */
export function defaultIntraOpThreads(modelBytes: number): number | undefined {
  return modelBytes < ONE_THREAD_BELOW_BYTES ? 1 : undefined;
}

/**
 * Runs an onnx handle takes at once (`ModelHandle.runsInFlight`, what the engine keeps in flight on an inline instance
 * that does not batch): four for a model under 16 MiB, one above.
 *
 * onnxruntime-node runs each `session.run` in a `setImmediate` of its own, computing on the main thread. One run at a
 * time costs a turn of the event loop per run (an `epoll_pwait` call each: 21,108 for 20,000 runs one at a time, 6,450
 * four at a time); runs in flight run back to back in one turn. On the tiny BERT (8 MiB, sequence 16, about 90 µs a
 * run) 20,000 runs took 96–106 µs each one at a time, 87–97 two at a time and 82–90 four at a time; in a burst of
 * 10,000 engine requests, p99 ÷ raw `Promise.all` went from 1.36–1.39 to 1.23–1.26 (two) and 1.13–1.18 (four). The turn costs
 * the same whatever the model, so a model whose runs take milliseconds gains nothing, while a run handed over cannot
 * be overtaken by a more urgent request: larger models keep one, so priorities hold run by run.
 */
export function defaultRunsInFlight(modelBytes: number): number {
  return modelBytes < ONE_THREAD_BELOW_BYTES ? SMALL_MODEL_RUNS_IN_FLIGHT : 1;
}
