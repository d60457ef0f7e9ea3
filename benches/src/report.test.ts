import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { type ScenarioResult, renderMarkdown, writeReport } from './report';

const dir = mkdtempSync(join(tmpdir(), 'bench-report-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const result: ScenarioResult = {
  id: 'overhead',
  title: 'Engine overhead',
  tables: [{ headers: ['model', 'ratio'], rows: [['tiny', 1.03]] }],
  charts: { overhead: { title: 't', xLabel: 'x', yLabel: 'y', series: [{ name: 's', points: [[1, 2]] }] } },
  goals: [
    { name: 'p50 ratio tiny', target: '≤ 1.05', measured: '1.03', limit: null, met: true },
    { name: 'batching ÷ limit', target: '≥ 0.85', measured: '0.8', limit: 'raw ORT batches: 900 requests/s', met: false },
  ],
  raw: { samples: [1, 2, 3] },
};

describe('renderMarkdown', () => {
  it('renders each table, goal and chart when given a scenario', () => {
    const md = renderMarkdown([result], { cpu: 'cpu', cores: 2, memoryGB: 24, platform: 'linux', node: 'v20', versions: { a: '1' } }, new Date(0), true);
    expect(md).toContain('## Engine overhead');
    expect(md).toContain('| tiny | 1.03 |');
    expect(md).toContain('| p50 ratio tiny | ≤ 1.05 | 1.03 | — | yes |');
    expect(md).toContain('| batching ÷ limit | ≥ 0.85 | 0.8 | raw ORT batches: 900 requests/s | **no** |');
    expect(md).toContain('![overhead](latest-overhead.svg)');
    expect(md).toContain('quick pass');
    expect(md).not.toContain('Machine load');
  });

  it('says how loaded the machine was at the start and the end of the run when the machine facts have it', () => {
    const md = renderMarkdown([], { cpu: 'cpu', cores: 2, memoryGB: 24, platform: 'linux', node: 'v20', versions: {}, loadAverage: [3.5, 2, 1], loadAverageAtStart: [1.25, 1, 0.5] }, new Date(0), false);
    expect(md).toContain('Machine load (load average over 1, 5, 15 min, on 2 cores): 1.25, 1, 0.5 at the start, 3.5, 2, 1 at the end.');
  });
});

describe('writeReport', () => {
  it('writes the json, markdown and svg files and replaces the readme section between markers', async () => {
    const readme = join(dir, 'README.md');
    writeFileSync(readme, 'intro\n<!-- bench:start -->\nold\n<!-- bench:end -->\noutro\n');
    await writeReport(join(dir, 'results'), [result], { quick: false, readme, when: new Date(Date.UTC(2026, 0, 2)), loadAverageAtStart: [1.234, 1, 0.5] });
    const files = readdirSync(join(dir, 'results')).sort();
    expect(files).toEqual(['2026-01-02T00-00-00-000Z.json', 'latest-overhead.svg', 'latest.md']);
    const json = JSON.parse(readFileSync(join(dir, 'results', files[0]!), 'utf8'));
    expect(json.results[0].raw).toEqual({ samples: [1, 2, 3] });
    expect(json.machine.cores).toBeGreaterThan(0);
    expect(json.machine.loadAverageAtStart).toEqual([1.23, 1, 0.5]);
    expect(json.machine.loadAverage).toHaveLength(3);
    expect(json.results[0].goals[1]).toEqual({ name: 'batching ÷ limit', target: '≥ 0.85', measured: '0.8', limit: 'raw ORT batches: 900 requests/s', met: false });
    const text = readFileSync(readme, 'utf8');
    expect(text).not.toContain('old');
    expect(text).toContain('### Engine overhead');
    expect(text).toContain('](benches/results/latest-overhead.svg)');
    expect(text.startsWith('intro\n')).toBe(true);
    expect(text.endsWith('<!-- bench:end -->\noutro\n')).toBe(true);
  });
});
