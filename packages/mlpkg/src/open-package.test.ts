import { readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { isInferoxError } from '@inferox/core';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openPackage } from './open-package';
import { selectLoadSpec } from './select-load-spec';
import { copyPackage, packTinyBert, removeTempDirs, tempDir, writeTinyCheckpoint } from './test-support/temp-package';
import { packModel } from './pack-model';
import { verifyPackage } from './verify-package';

let bert: string;
let small: string;

beforeAll(async () => {
  bert = await packTinyBert();
  const parent = await tempDir();
  small = join(parent, 'small.mlpkg');
  await packModel(await writeTinyCheckpoint(join(parent, 'src'), 'bert', { vocab_size: 10 }), small, { name: 'small' });
});
afterAll(removeTempDirs);

describe('open', () => {
  it('returns serialisable load specs per backend and variant when the package verifies', async () => {
    const pkg = await openPackage(bert);
    expect(pkg.verified).toBe(true);
    expect(pkg.backends.onnx).toEqual({
      default: { backend: 'onnx', variant: 'graph', source: { path: join(pkg.dir, 'backends/onnx/model.onnx'), format: 'onnx' }, options: { name: 'tiny-bert' } },
      variants: {
        graph: { backend: 'onnx', variant: 'graph', source: { path: join(pkg.dir, 'backends/onnx/model.onnx'), format: 'onnx' }, options: { name: 'tiny-bert' } },
        weights: { backend: 'onnx', variant: 'weights', source: { path: join(pkg.dir, 'weights'), format: 'hf-checkpoint' }, options: { name: 'tiny-bert' } },
      },
    });
    expect(pkg.backends.tfjs!.default.source).toEqual({ path: join(pkg.dir, 'weights'), format: 'hf-checkpoint' });
    expect(structuredClone(pkg)).toEqual(pkg);
    expect(JSON.parse(JSON.stringify(pkg.backends))).toEqual(pkg.backends);
  });

  it('skips hashing but still checks presence, size and links when verify is false', async () => {
    const copy = await copyPackage(small);
    const file = join(copy, 'weights', 'model.safetensors');
    const bytes = await readFile(file);
    bytes[bytes.length - 1] = bytes[bytes.length - 1]! ^ 0xff;
    await writeFile(file, bytes);
    await expect(openPackage(copy, { verify: false })).resolves.toMatchObject({ verified: false });
    await expect(openPackage(copy)).rejects.toThrow(/weights\/model\.safetensors: sha256/);
    await writeFile(file, bytes.subarray(1));
    await expect(openPackage(copy, { verify: false })).rejects.toThrow(/weights\/model\.safetensors: has \d+ bytes, metadata\.json says/);
    await rm(file);
    const outside = join(await tempDir(), 'w.safetensors');
    await writeFile(outside, bytes);
    await symlink(outside, file);
    await expect(openPackage(copy, { verify: false })).rejects.toThrow(/weights\/model\.safetensors: resolves outside the package/);
  });
});

describe('selectLoadSpec', () => {
  it('returns the default or the named variant when the package offers it', async () => {
    const pkg = await openPackage(bert, { verify: false });
    expect(selectLoadSpec(pkg, 'onnx').variant).toBe('graph');
    expect(selectLoadSpec(pkg, 'onnx', 'weights').source.format).toBe('hf-checkpoint');
  });

  it('names the backend or variant and the choices when the package does not offer it', async () => {
    const pkg = await openPackage(bert, { verify: false });
    expect(() => selectLoadSpec(pkg, 'webgpu')).toThrow('does not support backend "webgpu" (supported: onnx, tfjs)');
    expect(() => selectLoadSpec(pkg, 'toString')).toThrow('does not support backend "toString"');
    expect(() => selectLoadSpec(pkg, 'tfjs', 'graph')).toThrow('has no variant "graph" for backend tfjs (variants: weights)');
  });
});

/** Every path to a value inside a JSON tree. */
function pathsOf(value: unknown, prefix: (string | number)[] = []): (string | number)[][] {
  const out: (string | number)[][] = [prefix];
  if (Array.isArray(value)) value.forEach((v, i) => out.push(...pathsOf(v, [...prefix, i])));
  else if (typeof value === 'object' && value !== null) for (const [k, v] of Object.entries(value)) out.push(...pathsOf(v, [...prefix, k]));
  return out;
}

/** A copy of `root` with the value at `path` replaced (or removed when `replacement` is undefined). */
function mutate(root: unknown, path: (string | number)[], replacement: unknown): unknown {
  if (path.length === 0) return replacement;
  const copy = structuredClone(root) as Record<string | number, unknown>;
  let node = copy;
  for (const key of path.slice(0, -1)) node = node[key] as Record<string | number, unknown>;
  const last = path.at(-1)!;
  if (replacement === undefined && !Array.isArray(node)) delete node[last];
  else node[last] = replacement;
  return copy;
}

const nastyPath = fc.constantFrom('../x', '/etc/passwd', 'a\\b', 'C:/x', '', '.', 'a//b', 'metadata.json', 'model_info.json', 'weights', 'weights/config.json', 'weights/../../x', 'nul\u0000');
const replacement = fc.oneof(fc.jsonValue(), nastyPath, fc.constant(undefined), fc.integer({ min: -5, max: 5 }), fc.constant(1e308));

async function settlesTyped(dir: string): Promise<void> {
  for (const run of [() => verifyPackage(dir), () => openPackage(dir, { verify: false }), () => openPackage(dir)]) {
    try {
      await run();
    } catch (error) {
      if (!isInferoxError(error)) throw error;
      expect(error.code).toBe('PACKAGE_INVALID');
    }
  }
}

describe('open and verify on random manifests', () => {
  it('only ever throw PACKAGE_INVALID when a manifest is arbitrary JSON or bytes', async () => {
    const copy = await copyPackage(small);
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom('metadata.json', 'model_info.json'),
        fc.oneof(fc.jsonValue().map((v) => JSON.stringify(v) ?? 'null'), fc.uint8Array({ maxLength: 64 })),
        async (file, content) => {
          const original = await readFile(join(copy, file));
          await writeFile(join(copy, file), content);
          try {
            await settlesTyped(copy);
          } finally {
            await writeFile(join(copy, file), original);
          }
        },
      ),
      { numRuns: 40 },
    );
  });

  it('only ever throw PACKAGE_INVALID when one value of a valid manifest is replaced', async () => {
    const copy = await copyPackage(small);
    const manifests = {
      'metadata.json': JSON.parse(await readFile(join(copy, 'metadata.json'), 'utf8')) as unknown,
      'model_info.json': JSON.parse(await readFile(join(copy, 'model_info.json'), 'utf8')) as unknown,
    };
    await fc.assert(
      fc.asyncProperty(fc.constantFrom('metadata.json', 'model_info.json'), fc.nat(), replacement, async (file, index, value) => {
        const original = manifests[file];
        const paths = pathsOf(original);
        await writeFile(join(copy, file), JSON.stringify(mutate(original, paths[index % paths.length]!, value)) ?? 'null');
        try {
          await settlesTyped(copy);
        } finally {
          await writeFile(join(copy, file), JSON.stringify(original, null, 2));
        }
      }),
      { numRuns: 100 },
    );
  });
});
