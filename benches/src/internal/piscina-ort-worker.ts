// Scenario 12's maintained-library pool: a piscina worker holding one raw onnxruntime-node session, run per task on
// int64 feeds cloned in, its outputs transferred back. Loads .ts through the worker loader the bench and tests preload.
import * as ort from 'onnxruntime-node';
import { move, transferableSymbol, valueSymbol, workerData } from 'piscina';

/** What piscina-pool.ts starts each thread with. */
export interface PiscinaOrtData {
  readonly onnxPath: string;
  readonly threads: number;
}

/** One task: [rows, seq] int64 feeds by input name. */
export interface PiscinaOrtTask {
  readonly feeds: readonly { readonly name: string; readonly data: BigInt64Array }[];
  readonly rows: number;
  readonly seq: number;
}

/** The outputs of one run. */
export type PiscinaOrtOutputs = { name: string; dims: readonly number[]; data: Float32Array }[];

const data = workerData as PiscinaOrtData;
const session = await ort.InferenceSession.create(data.onnxPath, { intraOpNumThreads: data.threads, interOpNumThreads: 1, executionProviders: ['cpu'] });

/** The outputs with their buffers in piscina's transfer list, as the hand-written pool transfers them. */
class Moved {
  constructor(readonly outputs: PiscinaOrtOutputs) {}
  get [transferableSymbol](): ArrayBuffer[] {
    return this.outputs.map((o) => o.data.buffer as ArrayBuffer);
  }
  get [valueSymbol](): PiscinaOrtOutputs {
    return this.outputs;
  }
}

export default async function run(task: PiscinaOrtTask): Promise<unknown> {
  const shape = [task.rows, task.seq];
  const feeds = Object.fromEntries(task.feeds.map((f) => [f.name, new ort.Tensor('int64', f.data, shape)]));
  const outputs = await session.run(feeds);
  return move(new Moved(Object.entries(outputs).map(([name, t]) => ({ name, dims: t.dims, data: t.data as Float32Array }))) as never);
}
