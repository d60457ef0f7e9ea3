/** Models below this many bytes of weights get one intra-op thread by default. */
export const ONE_THREAD_BELOW_BYTES = 16 * 2 ** 20;

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
