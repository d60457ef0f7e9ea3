import type { CliIO } from '../cli-io';
import { type TextCommandFlags, positiveFlag, textsFrom, withTextModel } from '../internal/text-command-model';

/** Flags of `inferox rerank`. */
export interface RerankFlags extends TextCommandFlags {
  readonly query: string;
  readonly topN?: string;
  readonly returnText?: boolean;
  readonly rawScores?: boolean;
}

/**
 * `inferox rerank <model> --query Q [passage...]`: scores each passage (arguments, or one per line on stdin) against
 * the query with a cross-encoder and writes one JSON line per passage, best first: `{"index": i, "score": s}`.
 */
export async function rerankCommand(io: CliIO, model: string, passages: readonly string[], flags: RerankFlags): Promise<void> {
  const inputs = await textsFrom(io, passages, 'passages');
  const topN = positiveFlag(flags.topN, '--top-n');
  await withTextModel(model, 'classification', flags, async (text) => {
    const ranked = await text.rerank(flags.query, inputs, {
      ...(topN ? { topN } : {}),
      ...(flags.returnText ? { returnText: true } : {}),
      ...(flags.rawScores ? { rawScores: true } : {}),
      ...(flags.truncate === false ? { truncate: false } : {}),
    });
    for (const result of ranked) io.stdout(`${JSON.stringify(result)}\n`);
  });
}
