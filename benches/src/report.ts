import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { arch, cpus, loadavg, platform, release, totalmem } from 'node:os';
import { dirname, join } from 'node:path';
import type { Goal } from './goal';
import { type ChartSpec, lineChart } from './svg-chart';

/** A table of one scenario. */
export interface Table {
  readonly title?: string;
  readonly headers: readonly string[];
  readonly rows: readonly (readonly (string | number)[])[];
}

/** What a scenario returns. */
export interface ScenarioResult {
  readonly id: string;
  readonly title: string;
  readonly tables: readonly Table[];
  /** Charts keyed by a file-name suffix (`throughput` → latest-throughput.svg). */
  readonly charts?: Readonly<Record<string, ChartSpec>>;
  /** Goals checked by the scenario, each with the measured value. */
  readonly goals?: readonly Goal[];
  readonly notes?: readonly string[];
  /** Raw figures, kept in the JSON file. */
  readonly raw: unknown;
}

/** Facts about the machine and the versions measured, written with every run. */
export async function machineInfo(): Promise<Record<string, unknown>> {
  // Packages whose exports map hides package.json are found from their entry point, walking up to their package.json.
  const version = async (pkg: string): Promise<string> => {
    const { createRequire } = await import('node:module');
    const require = createRequire(import.meta.url);
    const read = async (path: string): Promise<{ name?: string; version: string }> => JSON.parse(await readFile(path, 'utf8')) as { name?: string; version: string };
    try {
      return (await read(require.resolve(`${pkg}/package.json`))).version;
    } catch {
      try {
        let dir = dirname(require.resolve(pkg));
        for (let i = 0; i < 6; i++, dir = dirname(dir)) {
          const json = await read(join(dir, 'package.json')).catch(() => undefined);
          if (json?.name === pkg) return json.version;
        }
      } catch {
        // not resolvable at all
      }
      return 'not installed';
    }
  };
  return {
    node: process.version,
    platform: `${platform()} ${release()} ${arch()}`,
    cpu: cpus()[0]?.model ?? 'unknown',
    cores: cpus().length,
    memoryGB: Math.round(totalmem() / 1e9),
    /** Load average (1, 5, 15 min) when the report is written, i.e. at the end of the run. */
    loadAverage: loadavg().map((v) => Number(v.toFixed(2))),
    versions: {
      'onnxruntime-node': await version('onnxruntime-node'),
      '@tensorflow/tfjs-core': await version('@tensorflow/tfjs-core'),
      '@huggingface/transformers': await version('@huggingface/transformers'),
      '@huggingface/hub': await version('@huggingface/hub'),
    },
  };
}

function markdownTable(table: Table): string {
  const lines = [`| ${table.headers.join(' | ')} |`, `| ${table.headers.map(() => '---').join(' | ')} |`];
  for (const row of table.rows) lines.push(`| ${row.join(' | ')} |`);
  return `${table.title ? `**${table.title}**\n\n` : ''}${lines.join('\n')}`;
}

/** Renders the results as markdown (the SVGs referenced by their latest-*.svg names). */
export function renderMarkdown(results: readonly ScenarioResult[], machine: Record<string, unknown>, when: Date, quick: boolean): string {
  const out = [
    `# Inferox benchmarks`,
    '',
    `Run ${when.toISOString()}${quick ? ' (quick pass: fewer rounds, smaller sizes)' : ''} on ${String(machine.cpu)}, ${String(machine.cores)} cores, ${String(machine.memoryGB)} GB, ${String(machine.platform)}, Node ${String(machine.node)}.`,
    `Versions: ${Object.entries(machine.versions as Record<string, string>).map(([k, v]) => `${k} ${v}`).join(', ')}.`,
    'Every comparison runs the baseline and Inferox in the same process, interleaved, warm-up excluded; ratios are Inferox ÷ baseline.',
  ];
  const load = machine.loadAverage as readonly number[] | undefined;
  if (load) {
    const start = machine.loadAverageAtStart as readonly number[] | undefined;
    out.push(
      `Machine load (load average over 1, 5, 15 min, on ${String(machine.cores)} cores): ${start ? `${start.join(', ')} at the start, ` : ''}${load.join(', ')} at the end. A load above the core count means other work shared the CPU: absolute figures are then low and noisy, and only ratios measured in the same run mean much.`,
    );
  }
  for (const r of results) {
    out.push('', `## ${r.title}`, '');
    for (const t of r.tables) out.push(markdownTable(t), '');
    if (r.goals?.length) {
      out.push(markdownTable({ headers: ['goal', 'target', 'measured', 'limit (same run)', 'met'], rows: r.goals.map((g) => [g.name, g.target, g.measured, g.limit ?? '—', g.met ? 'yes' : '**no**']) }), '');
    }
    for (const name of Object.keys(r.charts ?? {})) out.push(`![${name}](latest-${name}.svg)`, '');
    for (const note of r.notes ?? []) out.push(`- ${note}`);
  }
  return `${out.join('\n').replace(/\n{3,}/g, '\n\n').trim()}\n`;
}

const START = '<!-- bench:start -->';
const END = '<!-- bench:end -->';

/**
 * Writes `results/<date>.json`, `results/latest.md`, `results/latest-*.svg`, and replaces the README's text between
 * the bench markers with the latest tables. `loadAverageAtStart` (os.loadavg() when the run began) goes beside the
 * load average at the end, so the report says how busy the machine was.
 *
 * @returns the paths written.
 */
export async function writeReport(
  dir: string,
  results: readonly ScenarioResult[],
  options: { quick: boolean; readme?: string; when?: Date; loadAverageAtStart?: readonly number[] },
): Promise<string[]> {
  const when = options.when ?? new Date();
  const machine = { ...(await machineInfo()), ...(options.loadAverageAtStart ? { loadAverageAtStart: options.loadAverageAtStart.map((v) => Number(v.toFixed(2))) } : {}) };
  await mkdir(dir, { recursive: true });
  const written: string[] = [];
  const json = join(dir, `${when.toISOString().replace(/[:.]/g, '-')}.json`);
  await writeFile(json, `${JSON.stringify({ when: when.toISOString(), quick: options.quick, machine, results }, null, 2)}\n`);
  written.push(json);
  for (const r of results) {
    for (const [name, spec] of Object.entries(r.charts ?? {})) {
      const path = join(dir, `latest-${name}.svg`);
      await writeFile(path, lineChart(spec));
      written.push(path);
    }
  }
  const md = renderMarkdown(results, machine, when, options.quick);
  await writeFile(join(dir, 'latest.md'), md);
  written.push(join(dir, 'latest.md'));
  if (options.readme) {
    const readme = await readFile(options.readme, 'utf8');
    const a = readme.indexOf(START);
    const b = readme.indexOf(END);
    if (a >= 0 && b > a) {
      const body = md.replace(/^# .*\n/, '').replace(/\]\(latest-/g, '](benches/results/latest-').replace(/^## /gm, '### ');
      await writeFile(options.readme, `${readme.slice(0, a + START.length)}\n${body}\n${readme.slice(b)}`);
      written.push(options.readme);
    }
  }
  return written;
}
