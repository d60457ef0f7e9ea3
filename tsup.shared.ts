import { defineConfig } from 'tsup';

/**
 * The build every package uses: ESM + .d.ts for Node 20, one file per entry (`index`, plus `testing`, `bin`, ...).
 * The .d.ts build resolves other @inferox packages to their built .d.ts (no `@inferox/source` condition; `build`
 * depends on `^build`), as a user's compiler does, instead of compiling their sources again.
 */
export function defineInferoxBuild(entry: string[] | Record<string, string>) {
  return defineConfig({ entry, format: ['esm'], target: 'node20', dts: { compilerOptions: { customConditions: [] } }, sourcemap: true, clean: true });
}
