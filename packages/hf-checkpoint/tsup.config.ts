import { defineInferoxBuild } from '../../tsup.shared';

export default defineInferoxBuild(['src/index.ts']);
