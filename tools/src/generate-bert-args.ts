import { BERT_PRESETS, type BertPreset, type BertSize } from './generate-bert-checkpoint';

/** What `generate-bert-cli.ts` was asked to write. */
export interface GenerateBertArgs {
  readonly dir: string;
  readonly size: BertPreset | BertSize;
  readonly seed: number;
  /** Also write `model.onnx` (the onnx backend's export of the checkpoint). */
  readonly onnx: boolean;
}

/** Usage of the generator CLI. */
export const GENERATE_BERT_USAGE = `Usage: node --import tsx --conditions=@inferox/source tools/src/generate-bert-cli.ts <dir> [options]

  --size <preset>       ${Object.keys(BERT_PRESETS).join(' | ')} (default: tiny)
  --hidden <n> --layers <n> --heads <n> [--intermediate <n>]
                        a custom size instead of a preset (intermediate defaults to 4 × hidden)
  --seed <n>            weight seed (default: 7)
  --onnx                also write model.onnx, exported by @inferox/onnx-backend`;

const CUSTOM = { '--hidden': 'hidden_size', '--layers': 'num_hidden_layers', '--heads': 'num_attention_heads', '--intermediate': 'intermediate_size' } as const;

/**
 * Parses the generator's command line.
 *
 * @throws Error naming the unknown flag, missing value, bad number or preset, or a custom size missing a dimension.
 */
export function parseGenerateBertArgs(argv: readonly string[]): GenerateBertArgs {
  let dir: string | undefined;
  let preset: string | undefined;
  let seed = 7;
  let onnx = false;
  const custom: Partial<Record<(typeof CUSTOM)[keyof typeof CUSTOM], number>> = {};
  const int = (flag: string, v: string | undefined): number => {
    const n = Number(v);
    if (v === undefined || !Number.isInteger(n) || n < (flag === '--seed' ? 0 : 1)) throw new Error(`${flag} needs a ${flag === '--seed' ? 'non-negative' : 'positive'} integer, got ${JSON.stringify(v ?? null)}`);
    return n;
  };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--onnx') onnx = true;
    else if (arg === '--size') preset = argv[++i];
    else if (arg === '--seed') seed = int(arg, argv[++i]);
    else if (arg in CUSTOM) custom[CUSTOM[arg as keyof typeof CUSTOM]] = int(arg, argv[++i]);
    else if (arg.startsWith('-')) throw new Error(`unknown argument ${JSON.stringify(arg)}`);
    else if (dir === undefined) dir = arg;
    else throw new Error(`one output folder only; got ${JSON.stringify(dir)} and ${JSON.stringify(arg)}`);
  }
  if (dir === undefined) throw new Error('give the output folder');
  const isCustom = Object.keys(custom).length > 0;
  if (isCustom && preset !== undefined) throw new Error('give --size or a custom size (--hidden, --layers, --heads), not both');
  if (isCustom) {
    const { hidden_size, num_hidden_layers, num_attention_heads, intermediate_size } = custom;
    if (hidden_size === undefined || num_hidden_layers === undefined || num_attention_heads === undefined) throw new Error('a custom size needs --hidden, --layers and --heads');
    return { dir, seed, onnx, size: { hidden_size, num_hidden_layers, num_attention_heads, intermediate_size: intermediate_size ?? 4 * hidden_size } };
  }
  const name = preset ?? 'tiny';
  if (!(name in BERT_PRESETS)) throw new Error(`unknown size ${JSON.stringify(name)}; presets: ${Object.keys(BERT_PRESETS).join(', ')}`);
  return { dir, seed, onnx, size: name as BertPreset };
}
