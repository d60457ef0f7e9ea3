import { availableParallelism } from 'node:os';

/**
 * The intra-op thread count a session gets when no `intraOpNumThreads` is given: half the cores the process may use,
 * at least one.
 *
 * onnxruntime's own default is a thread per physical core, each spinning for a while after every run. `session.run`
 * is called from Node's main thread, which also runs the event loop, the engine and the caller's code, so those
 * threads compete with it for the same cores. On 2 cores (benches scenario 13, tiny and small BERT at sequence
 * 128, 32 closed-loop clients) one intra-op thread served 1.46× and 2.53× the requests/s of onnxruntime's default
 * at a one-client p50 within 2% (tiny) and 10% lower (small), and used about half the CPU per request.
 * `intraOpNumThreads: 0` asks for onnxruntime's own default again.
 */
export function defaultIntraOpThreads(cores: number = availableParallelism()): number {
  return Math.max(1, Math.floor(cores / 2));
}
