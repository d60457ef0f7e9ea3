import { describe, expect, it } from 'vitest';
import type { Scenario } from './scenario';
import { SCENARIOS, selectScenarios } from './scenario-registry';

const fake = (id: string, number: number): Scenario => ({ id, number, title: id, run: () => Promise.reject(new Error('not run')) });
const list = [fake('a', 1), fake('b', 2), fake('c', 3)];

describe('SCENARIOS', () => {
  it('holds every scenario in order of its number with unique ids, issue 19\'s limits (11-13) last', () => {
    expect(SCENARIOS.map((s) => s.number)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13]);
    expect(SCENARIOS.map((s) => s.id)).toEqual(['overhead', 'throughput', 'transformers', 'tfjs', 'memory', 'hub', 'stress', 'server', 'queue', 'text', 'batching', 'workers', 'defaults']);
    for (const s of SCENARIOS) expect(s.title.startsWith(`${s.number}. `)).toBe(true);
  });

  it('loads, for each entry, the scenario with the entry\'s id, number and title', async () => {
    for (const entry of SCENARIOS) {
      const scenario = await entry.load();
      expect([scenario.id, scenario.number, scenario.title]).toEqual([entry.id, entry.number, entry.title]);
    }
  }, 60_000);
});

describe('selectScenarios', () => {
  it('returns every scenario when nothing is selected', () => {
    expect(selectScenarios(undefined, list)).toEqual(list);
  });

  it('selects by id or number and keeps registry order when given a list', () => {
    expect(selectScenarios(['3', 'a'], list).map((s) => s.id)).toEqual(['a', 'c']);
  });

  it('throws naming the unknown ids and listing the known ones when an id matches nothing', () => {
    expect(() => selectScenarios(['b', 'zz', '9'], list)).toThrow('unknown scenario "zz", "9"; known: 1 a, 2 b, 3 c');
  });
});
