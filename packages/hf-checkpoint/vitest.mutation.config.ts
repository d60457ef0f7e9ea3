import { fileURLToPath } from 'node:url';
import { mergeConfig } from 'vitest/config';
import base from './vitest.config.ts';

// The tests a mutation run of this package uses (`npm run mutation -- hf-checkpoint --vitest-config
// vitest.mutation.config.ts`, see tools/mutation/run.mjs): all of them, with a reporter that counts a test file that
// fails to load as a failed test. Without it Stryker scored a static mutant that stops a module from loading as
// survived (architectures.ts's table built from undefined entries), though every test of that module fails
// (tools/mutation/load-failure-reporter.mjs, stryker-js#6150).
const reporter = fileURLToPath(new URL('../../tools/mutation/load-failure-reporter.mjs', import.meta.url));

export default mergeConfig(base, { test: { reporters: ['default', reporter] } });
