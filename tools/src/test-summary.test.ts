import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
// @ts-expect-error: a plain .mjs script without type declarations
import { closingLine, main, stripAnsi, summarize } from '../test-summary.mjs';

const script = resolve(import.meta.dirname, '../test-summary.mjs');
const esc = '\u001b';
const color = (code: string, text: string) => `${esc}[${code}m${text}${esc}[39m`;

// Two projects' output as nx --outputStyle=stream prints it: coloured, each line prefixed with the project name.
const nxLog = [
  `${esc}[1m${color('95', '@inferox/core:')}${esc}[22m  ${color('2', 'Test Files')}  ${color('1;32', '12 passed')} (12)`,
  `${esc}[1m${color('95', '@inferox/core:')}${esc}[22m       ${color('2', 'Tests')}  ${color('1;32', '140 passed')}${color('90', ' (140)')}`,
  '@inferox/engine:  Test Files  1 failed | 20 passed (21)',
  '@inferox/engine:       Tests  2 failed | 301 passed | 3 skipped | 1 todo (307)',
  '@inferox/engine: ',
  // Exactly as vitest 4 colours its row.
  `@inferox/tools: ${esc}[2m      Tests ${esc}[22m ${esc}[1m${esc}[32m9 passed${esc}[39m${esc}[22m${esc}[90m (9)${esc}[39m`,
  // Not summary rows: a test named "Tests", an assertion message.
  '@inferox/tools:  ✓ src/a.test.ts > Tests  run when asked',
  'expected "Tests  1 passed (1)" to be shown',
].join('\n');

const dirs: string[] = [];
afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));
function logFile(text: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'test-summary-'));
  dirs.push(dir);
  writeFileSync(join(dir, 'log.txt'), text);
  return join(dir, 'log.txt');
}

describe('test-summary', () => {
  it('sums every vitest Tests row and ignores Test Files rows when nx prefixes and colours them', () => {
    expect(summarize(nxLog)).toEqual({ runs: 3, passed: 450, failed: 2, skipped: 4 });
  });

  it('strips colour and hyperlink sequences', () => {
    expect(stripAnsi(`${esc}[1;32m3 passed${esc}[0m ${esc}]8;;file:///x${esc}\\link${esc}]8;;${esc}\\`)).toBe('3 passed link');
  });

  it('prints skipped only when some were skipped', () => {
    expect(closingLine({ passed: 5, failed: 0, skipped: 0 })).toBe('5 passed, 0 failed');
    expect(closingLine({ passed: 5, failed: 1, skipped: 2 })).toBe('5 passed, 1 failed, 2 skipped');
  });

  it('ends with the closing line and exits 1 when a test failed', () => {
    const run = spawnSync(process.execPath, [script, logFile(nxLog)], { encoding: 'utf8' });
    expect(run.stdout.trim().split('\n').at(-1)).toBe('450 passed, 2 failed, 4 skipped');
    expect(run.status).toBe(1);
  });

  it('exits 0 when every test passed', () => {
    const run = spawnSync(process.execPath, [script, logFile('@inferox/a:      Tests  7 passed (7)\n')], { encoding: 'utf8' });
    expect(run.stdout).toBe('7 passed, 0 failed\n');
    expect(run.status).toBe(0);
  });

  it('exits 1 and says so when the log holds no vitest run', () => {
    const run = spawnSync(process.execPath, [script, logFile('npm ERR! something broke\n')], { encoding: 'utf8' });
    expect(run.stdout).toBe('0 passed, 0 failed\n');
    expect(run.stderr).toContain('no vitest "Tests" row');
    expect(run.status).toBe(1);
  });

  it('returns 2 and says how to call it without a log file, 0 for a passing log', () => {
    const out: string[] = [];
    const streams = { log: (t: string) => void out.push(t), error: (t: string) => void out.push(t) };
    expect(main(undefined, streams)).toBe(2);
    expect(out[0]).toContain('usage');
    expect(main(logFile('@inferox/a:      Tests  3 passed | 1 skipped (4)\n'), streams)).toBe(0);
    expect(out.at(-1)).toBe('3 passed, 0 failed, 1 skipped');
  });
});
