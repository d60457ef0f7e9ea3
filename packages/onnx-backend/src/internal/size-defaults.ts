import { availableParallelism } from 'node:os';

/** Models below this many bytes of weights are small: one intra-op thread and 16 runs in flight by default. */
export const ONE_THREAD_BELOW_BYTES = 16 * 2 ** 20;

/** Runs a small model's handle takes at once. */
export const SMALL_MODEL_RUNS_IN_FLIGHT = 16;

/**
 * The intra-op thread count a session gets when its options give none: one thread for a model under 16 MiB, else
 * `cpus`: the load's `cpuThreads` (the engine gives each worker instance its share of the cores), or one per logical
 * CPU this process may run on (`os.availableParallelism()`, which follows the CPU affinity mask).
 *
 * `session.run` is called from Node's main thread, which also runs the event loop, the engine and the caller's code.
 * A small model's operators are too short for a second thread to pay for waking it, and its spinning competes with
 * that main thread; a larger one gains from the threads. Measured on 2 idle cores (benches scenario 13, sequence 128,
 * `npm run bench -- --quick`): the tiny BERT (8 MiB) served 1.18× the 32-client requests/s with one thread at the same
 * one-client p50; the small BERT (43 MiB) had a 1.55× higher p50 and 0.73× the requests/s with one thread.
 *
 * Not onnxruntime's own default (`intraOpNumThreads: 0`): it counts physical cores through cpuinfo, and on this
 * machine (2 vCPUs of an AMD EPYC virtual machine, `lscpu`: 2 cores, 1 thread each) it starts one thread. Raw
 * `session.run` of the small BERT, batch 16, sequence 128: 93–98 ms a run at 1.0 CPU with 0, 55–64 ms at 2.0 CPUs
 * with 2. `intraOpNumThreads: 0` still asks for onnxruntime's default for any model. Worker instances each get the
 * count the engine gives them (its share of the cores); two worker instances of the small BERT served 0.82× the
 * requests/s with two threads each as with one.
 */
export function defaultIntraOpThreads(modelBytes: number, cpus: number | undefined): number {
  return modelBytes < ONE_THREAD_BELOW_BYTES ? 1 : (cpus ?? availableParallelism());
}

/**
 * Runs an onnx handle takes at once (`ModelHandle.runsInFlight`, what the engine keeps in flight on an inline instance
 * that does not batch): 16 for a model under 16 MiB, one above.
 *
 * onnxruntime-node runs each `session.run` in a `setImmediate` of its own, computing on the main thread. One run at a
 * time costs a turn of the event loop per run (an `epoll_pwait` call each: 21,108 for 20,000 runs one at a time, 6,450
 * four at a time); runs in flight run back to back in one turn. On the tiny BERT (8 MiB, sequence 16, about 90 µs a
 * run) 20,000 runs took 96–106 µs each one at a time, 87–97 two at a time and 82–90 four at a time; in a burst of
 * 10,000 engine requests, p99 ÷ raw `Promise.all` went from 1.36–1.39 to 1.23–1.26 (two) and 1.13–1.18 (four).
 * `benches/src/profile/burst-in-flight.ts` puts the in-flight counts in one process, each round's p99 divided by raw's
 * from the same round: medians of 4 and 16 in flight 1.11 and 1.02, then 1.19 and 1.06 (10 rounds each); 1.20, 1.17,
 * 1.14 and 1.18 for 4, 8, 16 and 32 (12 rounds). The price: a run handed over cannot be overtaken by a more urgent
 * request, which waits behind at most 16 runs of a small model (about 1.4 ms at sequence 16 and 8 ms at sequence 128
 * on the tiny BERT). The turn costs the same whatever the model, so a model whose runs take milliseconds gains
 * nothing: larger models keep one, so priorities hold run by run.
 */
export function defaultRunsInFlight(modelBytes: number): number {
  return modelBytes < ONE_THREAD_BELOW_BYTES ? SMALL_MODEL_RUNS_IN_FLIGHT : 1;
}

/**
 * Session config entries every session gets unless its options give `extra`: intra-op threads that do not spin
 * (onnxruntime's `session.intra_op.allow_spinning` `'0'`; its own default, `'1'`, spins a thread for a while after
 * each parallel section).
 *
 * A spinning thread holds a core that another session or the main thread then lacks. The small BERT with 2 threads
 * (`benches/src/profile/defaults-threads.ts`, one client, sequence 128), three engines in one process: one call
 * each in turn, the spinning sessions' p50 was 9.0 ms against 6.5 ms for one thread, and 5.8 ms without spinning;
 * 20 calls each in turn, 5.0 ms spinning and 5.7 ms not. Under 32 clients both served the same requests/s (246 and
 * 244) at 1.99 and 1.88 CPUs. Costing a lone model 12% at one client, it keeps a second model, a second session or
 * the caller's own work from doubling the p50.
 */
export const DEFAULT_SESSION_CONFIG = { session: { intra_op: { allow_spinning: '0' } } } as const;
