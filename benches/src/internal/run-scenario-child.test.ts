import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runScenarioChild } from './run-scenario-child';

// The child runs the packages from their sources, as these tests do.
const EXEC_ARGV = ['--expose-gc', '--import', 'tsx', '--conditions=@inferox/source'];

describe('runScenarioChild', () => {
  let workDir: string;
  beforeAll(async () => {
    workDir = await mkdtemp(join(tmpdir(), 'inferox-scenario-child-'));
  });
  afterAll(async () => {
    await rm(workDir, { recursive: true, force: true });
  });

  it('runs a scenario in its own process and returns its result and CPU time through a file it then removes', async () => {
    const outcome = await runScenarioChild({ id: 'hub', quick: true, threads: 1, workDir }, EXEC_ARGV);
    expect(outcome.result).toMatchObject({ id: 'hub', title: '6. hub-cache downloads vs @huggingface/hub and plain fetch' });
    expect(outcome.result.tables.length).toBeGreaterThan(0);
    expect(outcome.cpuMs).toBeGreaterThan(0);
    // The result came through a file in the work folder, removed once read.
    expect((await readdir(workDir)).filter((f) => f.startsWith('result-'))).toEqual([]);
  });

  it('rejects naming the scenario and the end of its output when the process fails', async () => {
    await expect(runScenarioChild({ id: 'no-such-scenario', quick: true, threads: 1, workDir }, EXEC_ARGV)).rejects.toThrow(
      /^scenario "no-such-scenario": its process exited with 1: .*unknown scenario "no-such-scenario"/,
    );
  });
});
