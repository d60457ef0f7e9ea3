import { parseArgs } from 'node:util';
import { toInferoxError } from '@inferox/core';
import { runBertDemo } from './bert-demo';

const { values } = parseArgs({
  options: {
    model: { type: 'string' },
    classifier: { type: 'string' },
    text: { type: 'string', multiple: true },
    runtime: { type: 'string' },
  },
});
try {
  await runBertDemo({
    ...(values.model ? { model: values.model } : {}),
    ...(values.classifier ? { classifier: values.classifier } : {}),
    ...(values.text ? { sentences: values.text } : {}),
    ...(values.runtime ? { tfjsRuntime: values.runtime as 'auto' | 'wasm' | 'cpu' } : {}),
  });
} catch (error) {
  const e = toInferoxError(error);
  console.error(`error [${e.code}]: ${e.message}`);
  process.exitCode = 1;
}
