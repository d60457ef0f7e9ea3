import type { CliIO } from '../cli-io';
import { type TextCommandFlags, positiveFlag, textsFrom, withTextModel } from '../internal/text-command-model';

/** Flags of `inferox embed`. */
export interface EmbedFlags extends TextCommandFlags {
  readonly promptName?: string;
  /** `--no-normalize` sets false. */
  readonly normalize?: boolean;
  readonly dimensions?: string;
}

/**
 * `inferox embed <model> [text...]`: embeds the texts (arguments, or one per line on stdin) and writes one JSON line
 * per text: `{"index": i, "embedding": [...]}`.
 */
export async function embedCommand(io: CliIO, model: string, texts: readonly string[], flags: EmbedFlags): Promise<void> {
  const inputs = await textsFrom(io, texts, 'texts');
  const dimensions = positiveFlag(flags.dimensions, '--dimensions');
  await withTextModel(model, 'embedding', flags, async (text) => {
    const { embeddings } = await text.embed(inputs, {
      ...(flags.promptName ? { promptName: flags.promptName } : {}),
      ...(flags.normalize === false ? { normalize: false } : {}),
      ...(dimensions ? { dimensions } : {}),
      ...(flags.truncate === false ? { truncate: false } : {}),
    });
    embeddings.forEach((embedding, index) => io.stdout(`${JSON.stringify({ index, embedding: Array.from(embedding) })}\n`));
  });
}
