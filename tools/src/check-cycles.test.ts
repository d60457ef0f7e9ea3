import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
// @ts-expect-error: a plain .mjs script without type declarations
import { findCycles, main, packageSourceRoots } from '../check-cycles.mjs';

const dirs: string[] = [];
afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));
function fakeSrc(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'cycles-'));
  dirs.push(dir);
  for (const [file, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, 'src', file)), { recursive: true });
    writeFileSync(join(dir, 'src', file), text);
  }
  return dir;
}

describe('check-cycles', () => {
  it('reports a cycle made only of type-only imports', () => {
    const dir = fakeSrc({
      'scheduler.ts': "import type { Core } from './internal/core';\nexport interface Scheduler { core: Core }\n",
      'internal/core.ts': "import type { Scheduler } from '../scheduler.js';\nexport interface Core { owner: Scheduler }\n",
    });
    expect(findCycles([join(dir, 'src')], dir)).toEqual(['import cycle: src/internal/core.ts -> src/scheduler.ts']);
  });

  it('reports a three-file cycle through an index and an export-from', () => {
    const dir = fakeSrc({
      'a.ts': "import { b } from './b';\nexport const a = b;\n",
      'b.ts': "export { c as b } from './c/index';\n",
      'c/index.ts': "import {\n  a,\n} from '../a';\nexport const c = () => a;\n",
    });
    const cycles: string[] = findCycles([join(dir, 'src')], dir);
    expect(cycles).toHaveLength(1);
    expect(cycles[0]).toContain('src/a.ts');
    expect(cycles[0]).toContain('src/b.ts');
    expect(cycles[0]).toContain('src/c/index.ts');
  });

  it('ignores tests, fixtures and one-way imports', () => {
    const dir = fakeSrc({
      'a.ts': "import { b } from './b';\nexport const a = b;\n",
      'b.ts': "export const b = 1;\n",
      'b.test.ts': "import { a } from './a';\nimport { b } from './b';\n",
      'b.fixture.ts': "import { a } from './a';\n",
    });
    expect(findCycles([join(dir, 'src')], dir)).toEqual([]);
  });

  it('lists every package source folder of the workspace', () => {
    const root = resolve(import.meta.dirname, '../..');
    const roots: string[] = packageSourceRoots(root);
    expect(roots).toContain(join(root, 'packages', 'core', 'src'));
    expect(roots.every((r) => r.endsWith('src'))).toBe(true);
  });
});

describe('check-cycles main', () => {
  it('exits 1 and prints the cycle for a workspace with one, 0 for one without', () => {
    const root = fakeSrc({});
    mkdirSync(join(root, 'packages/a/src'), { recursive: true });
    writeFileSync(join(root, 'packages/a/src/x.ts'), "import type { Y } from './y';\nexport type X = Y;\n");
    writeFileSync(join(root, 'packages/a/src/y.ts'), "export type Y = number;\n");
    const out: string[] = [];
    const streams = { log: (t: string) => void out.push(t), error: (t: string) => void out.push(t) };
    expect(main(root, streams)).toBe(0);
    writeFileSync(join(root, 'packages/a/src/y.ts'), "import type { X } from './x';\nexport type Y = X[];\n");
    expect(main(root, streams)).toBe(1);
    expect(out).toContain('import cycle: packages/a/src/x.ts -> packages/a/src/y.ts');
  });
});
