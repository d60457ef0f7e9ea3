import { mergeConfig } from 'vitest/config';
import base from './vitest.config.ts';

// The tests a mutation run of the engine uses when asked (`npm run mutation -- engine --vitest-config
// vitest.mutation.config.ts ...`, see tools/mutation/run.mjs): every test but the ones that load real onnxruntime or
// tfjs models (seconds per mutant run on 2 cores; code inside worker threads is never mutated anyway, Stryker activates
// mutants on the main thread only). The vitest runner's `related` option then runs only the files that import the
// mutated ones. The base config already shares one module graph per worker (isolate: false), so a mutant run
// re-imports little.
const config = mergeConfig(base, {});
// mergeConfig concatenates arrays: the lists are set here, not merged.
config.test.include = ['src/**/*.test.ts'];
config.test.exclude = [
  'src/engine-invalid-input.test.ts',
  'src/engine-load-options.test.ts',
  'src/engine-onnx.test.ts',
  'src/engine-real-backends.test.ts',
  'src/workers/worker-hang-onnx.test.ts',
  'src/workers/worker-instance-bert.test.ts',
  'src/workers/internal/serve-model-onnx.test.ts',
];

export default config;
