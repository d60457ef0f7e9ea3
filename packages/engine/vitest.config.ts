import { fileURLToPath } from 'node:url';
import { mergeConfig } from 'vitest/config';
import { defineInferoxTestConfig } from '../../vitest.shared.ts';

// Worker threads started from the TypeScript sources need a loader; the library boots none (see worker-entry.ts).
const loader = fileURLToPath(new URL('./src/workers/ts-worker-loader.fixture.mjs', import.meta.url));

export default mergeConfig(defineInferoxTestConfig({ thresholds: { lines: 97, branches: 90 } }), { test: { execArgv: ['--require', loader] } });
