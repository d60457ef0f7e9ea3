import { defineConfig } from 'tsup';

export default defineConfig({
  // workers/worker.ts is the worker-thread entry, loaded by URL from the bundle (dist/workers/worker.js).
  entry: ['src/index.ts', 'src/workers/worker.ts'],
  format: ['esm'],
  target: 'node20',
  dts: true,
  sourcemap: true,
  clean: true,
});
