import { defineInferoxBuild } from '../../tsup.shared';

export default defineInferoxBuild({ index: 'src/index.ts', testing: 'src/testing/index.ts' });
