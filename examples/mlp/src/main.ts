import { toInferoxError } from '@inferox/core';
import { runMlpExample } from './mlp-example';

const arg = process.argv.find((a) => a.startsWith('--rounds='));
try {
  await runMlpExample({ rounds: arg === undefined ? 20 : Number(arg.slice('--rounds='.length)) });
} catch (error) {
  const e = toInferoxError(error);
  console.error(`error [${e.code}]: ${e.message}`);
  process.exitCode = 1;
}
