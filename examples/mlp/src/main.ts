import { runMlpExample } from './mlp-example';

const rounds = Number(process.argv.find((a) => a.startsWith('--rounds='))?.slice('--rounds='.length) ?? 20);
await runMlpExample({ rounds });
