import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { type Backend, Tensor, toInferoxError } from '@inferox/core';
import { openPackage, packModel } from '@inferox/mlpkg';
import { createOnnxBackend } from '@inferox/onnx-backend';
import { type TfjsRuntime, createTfjsBackend } from '@inferox/tfjs-backend';

/** The tolerance every backend must meet against the PyTorch reference. */
export const CERTIFY_TOLERANCE = 1e-4;
/** The whole certification must finish within this. */
export const CERTIFY_BUDGET_MS = 30_000;

/** One certification line. */
export interface CertifyResult {
  /** `onnx/cpu (graph)`, `tfjs/wasm`, ... */
  readonly target: string;
  readonly status: 'certified' | 'failed' | 'skipped';
  readonly maxAbs?: number;
  readonly ms?: number;
  readonly reason?: string;
}

interface Reference {
  inputs: Record<string, number[][]>;
  last_hidden_state: number[][][];
  pooler_output: number[][];
}

/** The maximum |a − b| over two outputs. */
function maxAbs(got: Tensor, want: readonly number[]): number {
  const data = got.data as Float32Array;
  if (data.length !== want.length) return Number.POSITIVE_INFINITY;
  let max = 0;
  for (let i = 0; i < data.length; i++) {
    const d = Math.abs(data[i]! - want[i]!);
    if (!(d <= max)) max = Number.isNaN(d) ? Number.POSITIVE_INFINITY : d;
  }
  return max;
}

/** What to certify: each backend configuration, created only when its turn comes. */
export interface CertifyTarget {
  readonly name: string;
  create(): Backend;
}

/** The default targets: onnx (cuda if present, else cpu) and every tfjs runtime. */
export function defaultTargets(): CertifyTarget[] {
  const runtimes: TfjsRuntime[] = ['node-gpu', 'node', 'wasm', 'cpu'];
  return [
    { name: 'onnx', create: () => createOnnxBackend({ executionProviders: ['cuda', 'cpu'] }) },
    ...runtimes.map((runtime) => ({ name: `tfjs/${runtime}`, create: () => createTfjsBackend({ runtime }) })),
  ];
}

/**
 * Packs `fixtureDir` (a checkpoint with reference.json), then, on every target that is available, loads every
 * variant the package offers for that backend, runs reference.json's inputs and compares both outputs.
 */
export async function certify(
  fixtureDir: string,
  targets: readonly CertifyTarget[] = defaultTargets(),
  report: (r: CertifyResult) => void = () => {},
  options: { signal?: AbortSignal } = {},
): Promise<CertifyResult[]> {
  const { signal } = options;
  const reference = JSON.parse(await readFile(join(fixtureDir, 'reference.json'), 'utf8')) as Reference;
  const work = await mkdtemp(join(tmpdir(), 'inferox-certify-'));
  const results: CertifyResult[] = [];
  const emit = (r: CertifyResult): void => {
    results.push(r);
    report(r);
  };
  try {
    const pkgDir = join(work, 'pkg');
    await packModel(fixtureDir, pkgDir, { name: 'tiny-bert-hf', ...(signal ? { signal } : {}) });
    const pkg = await openPackage(pkgDir, signal ? { signal } : {});
    const feeds = () =>
      Object.fromEntries(
        Object.entries(reference.inputs).map(([name, rows]) => [name, Tensor.from('int64', rows.flat(), [rows.length, rows[0]!.length])]),
      );
    const wantHidden = reference.last_hidden_state.flat(2);
    const wantPooled = reference.pooler_output.flat();
    for (const target of targets) {
      const backend = target.create();
      try {
        const info = await backend.init(signal ? { signal } : {}).catch((e: unknown) => {
          emit({ target: target.name, status: 'skipped', reason: toInferoxError(e).message });
          return undefined;
        });
        if (!info) continue;
        const specs = pkg.backends[backend.name];
        if (!specs) {
          emit({ target: target.name, status: 'skipped', reason: `the package has no ${backend.name} artifact` });
          continue;
        }
        for (const [variant, spec] of Object.entries(specs.variants)) {
          const label = `${backend.name}/${info.runtime}${Object.keys(specs.variants).length > 1 ? ` (${variant})` : ''}`;
          const t0 = performance.now();
          try {
            const handle = await backend.loadModel(spec.source, spec.options, signal ? { signal } : {});
            try {
              const out = await handle.run(feeds(), signal ? { signal } : {});
              const diff = Math.max(maxAbs(out.last_hidden_state!, wantHidden), maxAbs(out.pooler_output!, wantPooled));
              const ms = performance.now() - t0;
              emit(diff <= CERTIFY_TOLERANCE ? { target: label, status: 'certified', maxAbs: diff, ms } : { target: label, status: 'failed', maxAbs: diff, ms, reason: `max_abs above ${CERTIFY_TOLERANCE}` });
            } finally {
              await handle.dispose();
            }
          } catch (error) {
            emit({ target: label, status: 'failed', reason: toInferoxError(error).message, ms: performance.now() - t0 });
          }
        }
      } finally {
        await backend.dispose();
      }
    }
  } finally {
    await rm(work, { recursive: true, force: true });
  }
  return results;
}

/** One line per result: `certified onnx/cpu (graph) max_abs=3.1e-6 in 210 ms`. */
export function formatResult(r: CertifyResult): string {
  const abs = r.maxAbs === undefined ? '' : ` max_abs=${r.maxAbs.toExponential(1)}`;
  const ms = r.ms === undefined ? '' : ` in ${Math.round(r.ms)} ms`;
  return `${r.status === 'failed' ? 'FAILED' : r.status} ${r.target}${abs}${ms}${r.reason ? ` (${r.reason})` : ''}`;
}

/**
 * Runs the certification and returns the exit code: 1 if any target failed, none was certified, or it ran past
 * `budgetMs` (an AbortSignal cuts loads and runs at the budget, so a hung backend cannot hang the certification).
 */
export async function main(
  print: (line: string) => void = console.log,
  fixtureDir = resolve(import.meta.dirname, '../../fixtures/tiny-bert-hf'),
  targets?: readonly CertifyTarget[],
  budgetMs = CERTIFY_BUDGET_MS,
): Promise<number> {
  const t0 = performance.now();
  const signal = AbortSignal.timeout(budgetMs);
  let results: CertifyResult[];
  try {
    results = await certify(fixtureDir, targets, (r) => print(formatResult(r)), { signal });
  } catch (error) {
    print(`FAILED: ${toInferoxError(error).message}`);
    return 1;
  }
  const total = performance.now() - t0;
  const failed = results.filter((r) => r.status === 'failed').length;
  const certified = results.filter((r) => r.status === 'certified').length;
  print(`${certified} certified, ${failed} failed, ${results.length - certified - failed} skipped in ${(total / 1000).toFixed(1)} s`);
  if (total > budgetMs || signal.aborted) {
    print(`FAILED: certification took ${(total / 1000).toFixed(1)} s, over the ${budgetMs / 1000} s budget`);
    return 1;
  }
  return failed > 0 || certified === 0 ? 1 : 0;
}

if (process.argv[1] && resolve(process.argv[1]) === resolve(import.meta.filename)) {
  process.exitCode = await main();
}
