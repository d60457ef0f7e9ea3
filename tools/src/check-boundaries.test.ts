import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
// @ts-expect-error: a plain .mjs script without type declarations
import { checkPackage, checkWorkspace, packageOf } from '../check-boundaries.mjs';

const dirs: string[] = [];
function fakePackage(name: string, deps: Record<string, string>, files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'boundaries-'));
  dirs.push(dir);
  mkdirSync(join(dir, 'src'), { recursive: true });
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name, dependencies: deps }));
  for (const [file, text] of Object.entries(files)) writeFileSync(join(dir, 'src', file), text);
  return dir;
}
afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));

describe('check-boundaries', () => {
  it('passes the real workspace', () => {
    expect(checkWorkspace(resolve(import.meta.dirname, '../..'))).toEqual([]);
  });

  it('reports the engine importing a backend', () => {
    const dir = fakePackage('@inferox/engine', { '@inferox/core': '0.1.0' }, { 'a.ts': "import { createOnnxBackend } from '@inferox/onnx-backend';\n" });
    const problems: string[] = checkPackage(dir);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toContain('imports @inferox/onnx-backend');
  });

  it('reports a backend declaring a dependency on another library', () => {
    const dir = fakePackage('@inferox/tfjs-backend', { '@inferox/core': '0.1.0', '@inferox/engine': '0.1.0' }, {});
    expect(checkPackage(dir)).toEqual(['@inferox/tfjs-backend depends on @inferox/engine (allowed: @inferox/core, @inferox/hf-checkpoint)']);
  });

  it('reports core importing node modules or anything else', () => {
    const dir = fakePackage('@inferox/core', {}, { 'a.ts': "import { readFile } from 'node:fs/promises';\nexport const x = await import('zod');\n" });
    const problems: string[] = checkPackage(dir);
    expect(problems).toHaveLength(2);
    expect(problems.join('\n')).toContain('node:fs/promises');
    expect(problems.join('\n')).toContain('zod');
  });

  it('reports deep imports and undeclared third-party imports', () => {
    const dir = fakePackage('@inferox/mlpkg', { '@inferox/core': '0.1.0' }, { 'a.ts': "import '@inferox/core/src/tensor';\nimport x from 'lodash';\n" });
    const problems: string[] = checkPackage(dir);
    expect(problems.join('\n')).toContain('deep-imports @inferox/core/src/tensor');
    expect(problems.join('\n')).toContain("imports lodash, which is not in @inferox/mlpkg's dependencies");
  });

  it('ignores test files and relative imports', () => {
    const dir = fakePackage('@inferox/engine', { '@inferox/core': '0.1.0' }, {
      'a.test.ts': "import '@inferox/onnx-backend';\n",
      'b.ts': "import { x } from './c';\nimport { Tensor } from '@inferox/core';\n",
    });
    expect(checkPackage(dir)).toEqual([]);
    expect(packageOf('./c')).toBeNull();
    expect(packageOf('@inferox/core/testing')).toBe('@inferox/core');
  });
});

describe('check-boundaries (fixtures and comments)', () => {
  it('ignores fixtures, imports in comments and a package importing itself', () => {
    const dir = fakePackage('@inferox/hub-cache', { '@inferox/core': '0.1.0' }, {
      'a.fixture.ts': "import '@inferox/onnx-backend';\n",
      'b.ts': "/**\n * import { x } from '@inferox/engine';\n */\n// import '@inferox/engine';\nimport { y } from '@inferox/hub-cache';\n",
    });
    expect(checkPackage(dir)).toEqual([]);
  });
});
