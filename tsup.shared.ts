import { defineConfig } from 'tsup';

/** The build every package uses: ESM + .d.ts for Node 20, one file per entry (`index`, plus `testing`, `bin`, ...). */
export function defineInferoxBuild(entry: string[] | Record<string, string>) {
  return defineConfig({ entry, format: ['esm'], target: 'node20', dts: true, sourcemap: true, clean: true });
}
