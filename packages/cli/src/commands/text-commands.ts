import { type Command, Option } from 'commander';
import type { CliIO } from '../cli-io';
import { classifyCommand } from './classify-command';
import { embedCommand } from './embed-command';
import { rerankCommand } from './rerank-command';

/** How program.ts wraps an action (declared here, not imported, so this file adds no import cycle). */
type Wrap = <A extends unknown[]>(action: (io: CliIO, ...args: A) => Promise<void>) => (...args: A) => Promise<void>;
const csv = (value: string): string[] => value.split(',').map((s) => s.trim()).filter(Boolean);

/** Options every text command takes. */
function textOptions(command: Command): Command {
  return command
    .addOption(new Option('--backend <name>', 'backend to run on').choices(['onnx', 'tfjs', 'auto']).default('auto'))
    .addOption(new Option('--runtime <runtime>', 'tfjs runtime').choices(['auto', 'node-gpu', 'node', 'wasm', 'cpu']))
    .option('--providers <list>', 'onnx execution providers in preference order, e.g. cuda,cpu', csv)
    .option('--no-truncate', "fail on a text over the model's limit instead of cutting it");
}

/** Adds `embed`, `classify` and `rerank` (text models through @inferox/text) to `program`. */
export function registerTextCommands(program: Command, wrap: Wrap): void {
  textOptions(
    program
      .command('embed <model> [texts...]')
      .description('embed texts (arguments, or one per line on stdin) with a Hugging Face folder, package or hf://org/repo@rev; JSON lines {"index","embedding"}')
      .option('--prompt-name <name>', 'a named prompt of the model (e.g. query)')
      .option('--no-normalize', 'do not L2-normalize the embeddings')
      .option('--dimensions <n>', 'keep the first n dimensions (re-normalized)'),
  ).action(wrap((io, model: string, texts: string[], flags: Parameters<typeof embedCommand>[3]) => embedCommand(io, model, texts, flags)));

  textOptions(
    program
      .command('classify <model> [texts...]')
      .description('classify texts (arguments, or one per line on stdin); JSON lines {"index","labels":[{"label","score"}]}')
      .option('--top-k <k>', 'keep the best k labels')
      .option('--raw-scores', 'logits instead of softmax/sigmoid scores'),
  ).action(wrap((io, model: string, texts: string[], flags: Parameters<typeof classifyCommand>[3]) => classifyCommand(io, model, texts, flags)));

  textOptions(
    program
      .command('rerank <model> [passages...]')
      .description('score passages (arguments, or one per line on stdin) against --query with a cross-encoder; JSON lines {"index","score"}, best first')
      .requiredOption('--query <text>', 'the query')
      .option('--top-n <n>', 'keep the best n passages')
      .option('--return-text', 'include each passage in its line')
      .option('--raw-scores', 'the logit instead of the score'),
  ).action(wrap((io, model: string, passages: string[], flags: Parameters<typeof rerankCommand>[3]) => rerankCommand(io, model, passages, flags)));
}
