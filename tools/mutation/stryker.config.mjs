// The StrykerJS config shared by every project; `npm run mutation -- <project>` (tools/mutation/run.mjs) runs Stryker
// in packages/<project> with this file and names the project in INFEROX_MUTATION_PROJECT. Options given after the
// project name on the command line (`--mutate 'src/scheduler/**/*.ts'`) override these; `--vitest-config <file>` comes
// as INFEROX_MUTATION_VITEST_CONFIG.
import { mutationConfig } from './mutation-config.mjs';

export default mutationConfig(process.env.INFEROX_MUTATION_PROJECT ?? '', undefined, undefined, process.env.INFEROX_MUTATION_VITEST_CONFIG || undefined);
