import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { GENERATE_BERT_USAGE, parseGenerateBertArgs } from './generate-bert-args';
import { generateBertCheckpoint } from './generate-bert-checkpoint';

// Writes a random-weight BERT checkpoint (and optionally its ONNX export): see GENERATE_BERT_USAGE.
const argv = process.argv.slice(2);
if (argv.includes('--help') || argv.includes('-h')) {
  console.log(GENERATE_BERT_USAGE);
  process.exit(0);
}
let args;
try {
  args = parseGenerateBertArgs(argv);
} catch (error) {
  console.error(`${(error as Error).message}\n\n${GENERATE_BERT_USAGE}`);
  process.exit(2);
}
const { files, weightBytes } = await generateBertCheckpoint(args.dir, args.size, args.seed);
if (args.onnx) {
  const { exportOnnx } = await import('@inferox/onnx-backend');
  await writeFile(join(args.dir, 'model.onnx'), await exportOnnx(args.dir));
  files.push('model.onnx');
}
console.log(`wrote ${files.join(', ')} to ${args.dir} (${(weightBytes / 2 ** 20).toFixed(1)} MiB of weights)`);
