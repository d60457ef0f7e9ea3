import type { CliIO } from '../cli-io';
import { type TextCommandFlags, positiveFlag, textsFrom, withTextModel } from '../internal/text-command-model';

/** Flags of `inferox classify`. */
export interface ClassifyFlags extends TextCommandFlags {
  readonly topK?: string;
  readonly rawScores?: boolean;
}

/**
 * `inferox classify <model> [text...]`: classifies the texts (arguments, or one per line on stdin) and writes one JSON
 * line per text: `{"index": i, "labels": [{"label", "score"}, ...]}`, best label first.
 */
export async function classifyCommand(io: CliIO, model: string, texts: readonly string[], flags: ClassifyFlags): Promise<void> {
  const inputs = await textsFrom(io, texts, 'texts');
  const topK = positiveFlag(flags.topK, '--top-k');
  await withTextModel(model, 'classification', flags, async (text) => {
    const results = await text.classify(inputs, {
      ...(topK ? { topK } : {}),
      ...(flags.rawScores ? { rawScores: true } : {}),
      ...(flags.truncate === false ? { truncate: false } : {}),
    });
    results.forEach((labels, index) => io.stdout(`${JSON.stringify({ index, labels })}\n`));
  });
}
