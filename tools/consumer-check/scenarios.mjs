// The consumer check's scenarios: each is a fresh project outside the workspace that installs packed @inferox
// packages as a user would, typechecks a small program and runs it; the program prints a result and asserts on it.

const tsconfig = (compilerOptions, include = ['src']) =>
  JSON.stringify({ compilerOptions: { target: 'es2022', strict: true, skipLibCheck: false, ...compilerOptions }, include }, null, 2);
const nodenext = (extra = {}) => tsconfig({ module: 'nodenext', moduleResolution: 'nodenext', outDir: 'out', types: ['node'], ...extra });
const bundler = () => tsconfig({ module: 'esnext', moduleResolution: 'bundler', noEmit: true, types: ['node'] });

const CORE_MAIN = `import { InferoxError, Tensor, isInferoxError } from '@inferox/core';

const t = Tensor.from('float32', [1, 2, 3, 4], [2, 2]);
const sum = Array.from(t.data as Float32Array).reduce((a, b) => a + b, 0);
const error = new InferoxError('MODEL_NOT_FOUND', 'no model named "x"');
if (t.shape.join('x') !== '2x2' || sum !== 10 || !isInferoxError(error, 'MODEL_NOT_FOUND')) throw new Error('core misbehaves');
console.log(\`core: \${t.dtype} [\${t.shape.join(', ')}] sum=\${sum}, \${error.code}\`);
`;

// lib es2022, no @types/node: only what core's declarations need from the language itself.
const CORE_ES2022 = `import { Tensor, isInferoxError, type Backend, type ModelHandle } from '@inferox/core';

declare const console: { log(...values: unknown[]): void };
const t: Tensor = Tensor.zeros('int64', [1, 3]);
using view = t.reshape([3]);
const handle = null as unknown as ModelHandle | null;
const backend = null as unknown as Backend | null;
console.log(view.shape, isInferoxError(new Error('x')), handle === null, backend === null);
`;

// Two copies of core in one app (the engine's and the app's): errors and tensors made by one are recognised by the other.
const TWO_COPIES = `import assert from 'node:assert/strict';
import { InferoxError, Tensor, isInferoxError } from '@inferox/core';

const other = await import('./vendor/core-copy/dist/index.js');
assert.notEqual(other.InferoxError, InferoxError, 'the copy is a second module instance');
const error = new other.InferoxError('MODEL_NOT_FOUND', 'from the other copy');
assert.ok(isInferoxError(error, 'MODEL_NOT_FOUND'), 'isInferoxError recognises an error from another copy of core');
assert.ok(error instanceof InferoxError, 'instanceof InferoxError holds across copies');
assert.ok(new other.Tensor('float32', new Float32Array(1), [1]) instanceof Tensor, 'instanceof Tensor holds across copies');
console.log('two copies of core: errors and tensors recognised across copies');
`;

const HUB_MAIN = `import { isInferoxError } from '@inferox/core';
import { downloadFile, scanCache } from '@inferox/hub-cache';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const cacheDir = mkdtempSync(join(tmpdir(), 'hub-'));
const scan = await scanCache(cacheDir);
let code = 'none';
try {
  await downloadFile('org/tiny-bert', 'config.json', { cacheDir, offline: true });
} catch (error) {
  if (!isInferoxError(error)) throw error;
  code = error.code;
}
if (scan.repos.length !== 0 || code === 'none') throw new Error('hub-cache misbehaves');
console.log(\`hub-cache: \${scan.repos.length} repos in an empty cache; offline miss → \${code}\`);
`;

const FEEDS = `const ids = Tensor.from('int64', [101, 7592, 2088, 102], [1, 4]);
const feeds = { input_ids: ids, attention_mask: Tensor.from('int64', [1, 1, 1, 1], [1, 4]), token_type_ids: Tensor.zeros('int64', [1, 4]) };
`;

const ENGINE_MAIN = `import { Tensor } from '@inferox/core';
import { createEngine } from '@inferox/engine';
import { createOnnxBackend } from '@inferox/onnx-backend';
import { createTfjsBackend } from '@inferox/tfjs-backend';

const source = process.argv[2] ?? '';
const engine = createEngine({ backends: [createOnnxBackend(), createTfjsBackend({ runtime: 'wasm' })] });
await engine.load('bert', { source, backends: ['onnx', 'tfjs'] });
${FEEDS}
const firsts: number[] = [];
for (const backend of ['onnx', 'tfjs']) {
  const result = await engine.infer('bert', feeds, { backend });
  const output = Object.values(result.outputs)[0];
  if (result.backend !== backend || !output) throw new Error(\`no output from \${backend}\`);
  firsts.push(Number(output.data[0]));
  console.log(\`engine: \${result.backend} → \${Object.keys(result.outputs).join(', ')} [\${output.shape.join(', ')}] first=\${Number(output.data[0]).toFixed(5)}\`);
}
await engine.close({ drain: true });
if (Math.abs(firsts[0]! - firsts[1]!) > 1e-3) throw new Error(\`onnx and tfjs disagree: \${firsts.join(' vs ')}\`);
`;

const WORKERS_MAIN = `import { Tensor } from '@inferox/core';
import { createEngine } from '@inferox/engine';
import { createOnnxBackend } from '@inferox/onnx-backend';

const source = process.argv[2] ?? '';
const engine = createEngine({ backends: [createOnnxBackend()] });
try {
  await engine.load('bert', { source, backends: ['onnx'], instances: { count: 1, mode: 'worker' } });
  ${FEEDS.replaceAll('\n', '\n  ')}
  const result = await engine.infer('bert', feeds);
  const output = Object.values(result.outputs)[0];
  if (!output) throw new Error('no output from the worker instance');
  console.log(\`worker instance: \${result.backend} [\${output.shape.join(', ')}] first=\${Number(output.data[0]).toFixed(5)}\`);
} finally {
  await engine.close();
}
`;

const CJS_MAIN = `import { Tensor, isInferoxError } from '@inferox/core';
import { createEngine } from '@inferox/engine';
import { scanCache } from '@inferox/hub-cache';

async function main(): Promise<void> {
  const engine = createEngine({ backends: [] });
  let code = 'none';
  try {
    await engine.infer('missing', { x: Tensor.zeros('float32', [1]) });
  } catch (error) {
    if (isInferoxError(error)) code = error.code;
  }
  await engine.close();
  if (code !== 'MODEL_NOT_FOUND' || typeof scanCache !== 'function') throw new Error(\`CommonJS app: got \${code}\`);
  console.log(\`CommonJS app: require() of the ESM build works; unknown model → \${code}\`);
}
void main();
`;

const CJS_PLAIN = `const assert = require('node:assert/strict');
for (const name of ['@inferox/core', '@inferox/engine', '@inferox/hub-cache']) {
  const mod = require(name);
  assert.ok(Object.keys(mod).length > 0, name + ' exports nothing through require()');
}
console.log('require(): core, engine, hub-cache load');
`;

const VITEST3_TEST = `import { describe, expect, it } from 'vitest';
import { InferoxError, Tensor } from '@inferox/core';

import { expectInferoxError } from '@inferox/core/testing';

describe('core under vitest 3', () => {
  it('runs the @inferox/core/testing helpers', async () => {
    const error = await expectInferoxError(Promise.reject(new InferoxError('QUEUE_FULL', 'queue of bert is full')), 'QUEUE_FULL', 'bert');
    expect(error.code).toBe('QUEUE_FULL');
  });

  it('builds a tensor and an error', () => {
    expect(Tensor.zeros('float32', [2]).shape).toEqual([2]);
    expect(new InferoxError('INVALID_INPUT', 'bad').code).toBe('INVALID_INPUT');
  });
});
`;

/**
 * @param ctx - `{ fixture }`: the tiny BERT checkpoint the engine scenarios load.
 * @returns the scenarios, in the order they run.
 */
export function scenarios({ fixture }) {
  return [
    {
      name: 'core alone',
      dependencies: ['@inferox/core'],
      readmes: ['@inferox/core'],
      files: {
        'tsconfig.json': nodenext(),
        'tsconfig.bundler.json': bundler(),
        'tsconfig.es2022.json': tsconfig({ module: 'nodenext', moduleResolution: 'nodenext', lib: ['es2022'], types: [], noEmit: true }, ['src-es2022']),
        'src/main.ts': CORE_MAIN,
        'src-es2022/main.ts': CORE_ES2022,
        'two-copies.mjs': TWO_COPIES,
      },
      steps: [
        { what: 'core installs with no dependencies', check: 'only-inferox-core' },
        { what: 'typecheck (nodenext) and build', cmd: ['tsc', '-p', 'tsconfig.json'] },
        { what: 'typecheck (bundler)', cmd: ['tsc', '-p', 'tsconfig.bundler.json'] },
        { what: 'typecheck (lib es2022, no @types/node)', cmd: ['tsc', '-p', 'tsconfig.es2022.json'] },
        { what: 'run', cmd: ['node', 'out/main.js'], expect: /core: float32 \[2, 2\] sum=10, MODEL_NOT_FOUND/ },
        { what: 'isInferoxError across two copies of core', copyCore: true, cmd: ['node', 'two-copies.mjs'], expect: /recognised across copies/ },
      ],
    },
    {
      name: 'core + hub-cache',
      dependencies: ['@inferox/core', '@inferox/hub-cache'],
      readmes: ['@inferox/hub-cache'],
      files: { 'tsconfig.json': nodenext(), 'tsconfig.bundler.json': bundler(), 'src/main.ts': HUB_MAIN },
      steps: [
        { what: 'typecheck (nodenext) and build', cmd: ['tsc', '-p', 'tsconfig.json'] },
        { what: 'typecheck (bundler)', cmd: ['tsc', '-p', 'tsconfig.bundler.json'] },
        { what: 'run', cmd: ['node', 'out/main.js'], expect: /hub-cache: 0 repos in an empty cache; offline miss → [A-Z_]+/ },
      ],
    },
    {
      name: 'engine with both backends',
      dependencies: ['@inferox/core', '@inferox/engine', '@inferox/onnx-backend', '@inferox/tfjs-backend'],
      installCheck: 'onnxruntime-quiet',
      readmes: ['@inferox/engine', '@inferox/onnx-backend', '@inferox/tfjs-backend'],
      files: { 'tsconfig.json': nodenext(), 'tsconfig.bundler.json': bundler(), 'src/main.ts': ENGINE_MAIN, 'src/workers.ts': WORKERS_MAIN },
      steps: [
        { what: 'typecheck (nodenext) and build', cmd: ['tsc', '-p', 'tsconfig.json'] },
        { what: 'typecheck (bundler)', cmd: ['tsc', '-p', 'tsconfig.bundler.json'] },
        { what: 'run on onnx and tfjs', cmd: ['node', 'out/main.js', fixture], expect: /engine: onnx .*\n.*engine: tfjs / },
        { what: 'worker instances', cmd: ['node', 'out/workers.js', fixture], expect: /worker instance: onnx/ },
      ],
    },
    {
      name: 'CLI installed globally',
      global: '@inferox/cli',
      // npm install -g has no package.json for allowScripts: the environment variable onnxruntime-node reads.
      env: { ONNXRUNTIME_NODE_INSTALL: 'skip' },
      steps: [
        { what: 'inferox --version', cmd: ['bin/inferox', '--version'], expect: /^0\.1\.0\s*$/ },
        { what: 'inferox --help', cmd: ['bin/inferox', '--help'], expect: /Usage: inferox/ },
        { what: 'inferox backends', cmd: ['bin/inferox', 'backends'], expect: /onnx/ },
      ],
    },
    {
      name: 'CommonJS app',
      type: 'commonjs',
      dependencies: ['@inferox/core', '@inferox/engine', '@inferox/hub-cache'],
      files: { 'tsconfig.json': nodenext(), 'src/main.ts': CJS_MAIN, 'plain.cjs': CJS_PLAIN },
      steps: [
        { what: 'typecheck (nodenext, CommonJS) and build', cmd: ['tsc', '-p', 'tsconfig.json'] },
        { what: 'run the compiled CommonJS', cmd: ['node', 'out/main.js'], expect: /unknown model → MODEL_NOT_FOUND/ },
        { what: 'plain require()', cmd: ['node', 'plain.cjs'], expect: /core, engine, hub-cache load/ },
      ],
    },
    {
      name: 'app that already has vitest 3',
      dependencies: ['@inferox/core'],
      devDependencies: { vitest: '^3.2.0' },
      files: { 'core.test.mjs': VITEST3_TEST },
      steps: [{ what: 'vitest 3 runs tests that use core and @inferox/core/testing', cmd: ['node', 'node_modules/vitest/vitest.mjs', 'run', 'core.test.mjs'], expect: /Tests\s+2 passed/ }],
    },
    {
      name: 'pnpm-style isolated layout (npm --install-strategy=linked)',
      dependencies: ['@inferox/core', '@inferox/engine', '@inferox/onnx-backend'],
      installArgs: ['--install-strategy=linked'],
      files: { 'tsconfig.json': nodenext(), 'src/workers.ts': WORKERS_MAIN },
      steps: [
        { what: 'isolated layout: the engine cannot see the backend', check: 'engine-isolated' },
        { what: 'typecheck (nodenext) and build', cmd: ['tsc', '-p', 'tsconfig.json'] },
        { what: 'worker instances, store inside the project', cmd: ['node', 'out/workers.js', fixture], expect: /worker instance: onnx/ },
        { what: "store moved outside the project (pnpm's global virtual store)", check: 'store-outside-project' },
        { what: 'worker instances, store outside the project', cmd: ['node', 'out/workers.js', fixture], expect: /worker instance: onnx/ },
      ],
    },
  ];
}
