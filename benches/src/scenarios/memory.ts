import { runChild } from '../internal/run-child';
import type { Scenario } from '../scenario';
import { fmt } from '../stats';

interface LoadRss {
  before: number;
  afterLoad: number;
  afterRun: number;
}
interface CyclesRss {
  before: number;
  after: number;
  ms: number;
}

const MIB = 2 ** 20;
const mib = (bytes: number): string => fmt(bytes / MIB);

/**
 * Scenario 5: RSS a loaded model adds (after load, after its first run) against its weight bytes, and RSS after 50
 * load/unload cycles against before; each measurement in its own child process, for Inferox and raw onnxruntime.
 */
export const memory: Scenario = {
  id: 'memory',
  number: 5,
  title: '5. Memory per model and across load/unload cycles',
  async run(ctx) {
    const p = ctx.profile.memory;
    const seq = 128;
    const rows: (string | number)[][] = [];
    const raw: Record<string, unknown> = {};
    const models = await Promise.all(p.models.map((name) => ctx.model(name)));
    const tiny = await ctx.model('tiny');
    ctx.log(`  ${models.length} models and ${p.cycles} load/unload cycles of tiny: one child process per measurement and side, in parallel`);
    // RSS does not depend on CPU contention, so the children run at once.
    const sides = ['ort', 'inferox'] as const;
    const [loads, cycles] = await Promise.all([
      Promise.all(models.map((model) => Promise.all(sides.map((side) => runChild<LoadRss>({ kind: 'load', side, onnxPath: model.onnxPath, threads: ctx.threads, seq }))))),
      Promise.all(sides.map((side) => runChild<CyclesRss>({ kind: 'cycles', side, onnxPath: tiny.onnxPath, threads: ctx.threads, seq, cycles: p.cycles }))),
    ]);
    models.forEach((model, i) => {
      const [ort, inferox] = loads[i]!;
      raw[model.name] = { ort, inferox, weightBytes: model.weightBytes };
      const cells = (m: LoadRss): string[] => [mib(m.afterLoad - m.before), mib(m.afterRun - m.before), fmt((m.afterRun - m.before) / model.weightBytes)];
      rows.push([model.name, mib(model.weightBytes), ...cells(ort!), ...cells(inferox!)]);
    });
    const [ortCycles, inferoxCycles] = cycles;
    raw.cycles = { ort: ortCycles, inferox: inferoxCycles };
    const cycleRow = (label: string, c: CyclesRss): (string | number)[] => [label, mib(c.before), mib(c.after), mib(c.after - c.before), fmt(((c.after - c.before) / p.cycles) / 1024), fmt(c.ms / p.cycles)];
    return {
      id: this.id,
      title: this.title,
      tables: [
        {
          title: `RSS added by one model (MiB), and (RSS after first run) ÷ weight bytes; sequence ${seq}`,
          headers: ['model', 'weights (MiB)', 'ORT after load', 'ORT after run', 'ORT ÷ weights', 'Inferox after load', 'Inferox after run', 'Inferox ÷ weights'],
          rows,
        },
        {
          title: `${p.cycles} load → infer → unload cycles of the tiny model`,
          headers: ['side', 'RSS before (MiB)', 'RSS after (MiB)', 'growth (MiB)', 'growth per cycle (KiB)', 'ms per cycle'],
          rows: [cycleRow('raw ORT (create / run / release)', ortCycles!), cycleRow('Inferox (engine.load / infer / unload)', inferoxCycles!)],
        },
      ],
      notes: [
        'Each figure comes from a fresh child process (after gc), so one measurement does not inherit another\'s heap. Both sides load onnxruntime\'s native code before the baseline is taken.',
        'Inferox loads the same exported ONNX file through engine.load (onnx backend); "after run" includes onnxruntime\'s arena for one batch-1 run.',
      ],
      raw,
    };
  },
};
