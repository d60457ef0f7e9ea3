/** The architecture families `model_info.json` records; `unknown` for a `model_type` not in the table. */
export const ARCHITECTURE_FAMILIES = ['encoder-only', 'decoder-only', 'encoder-decoder', 'vision', 'multimodal', 'unknown'] as const;

/** One of {@link ARCHITECTURE_FAMILIES}. */
export type ArchitectureFamily = (typeof ARCHITECTURE_FAMILIES)[number];

const TABLE: Readonly<Record<string, ArchitectureFamily>> = {
  bert: 'encoder-only',
  roberta: 'encoder-only',
  'xlm-roberta': 'encoder-only',
  albert: 'encoder-only',
  distilbert: 'encoder-only',
  electra: 'encoder-only',
  deberta: 'encoder-only',
  'deberta-v2': 'encoder-only',
  mpnet: 'encoder-only',
  camembert: 'encoder-only',
  gpt2: 'decoder-only',
  gpt_neo: 'decoder-only',
  gptj: 'decoder-only',
  gpt_neox: 'decoder-only',
  llama: 'decoder-only',
  mistral: 'decoder-only',
  mixtral: 'decoder-only',
  qwen2: 'decoder-only',
  phi: 'decoder-only',
  phi3: 'decoder-only',
  gemma: 'decoder-only',
  opt: 'decoder-only',
  bloom: 'decoder-only',
  falcon: 'decoder-only',
  t5: 'encoder-decoder',
  mt5: 'encoder-decoder',
  bart: 'encoder-decoder',
  mbart: 'encoder-decoder',
  marian: 'encoder-decoder',
  pegasus: 'encoder-decoder',
  whisper: 'encoder-decoder',
  vit: 'vision',
  deit: 'vision',
  beit: 'vision',
  swin: 'vision',
  resnet: 'vision',
  convnext: 'vision',
  mobilenet_v2: 'vision',
  efficientnet: 'vision',
  clip: 'multimodal',
  blip: 'multimodal',
  'blip-2': 'multimodal',
  siglip: 'multimodal',
  llava: 'multimodal',
};

/**
 * The architecture family of a Hugging Face `model_type`.
 *
 * @example architectureFamilyOf('bert') // 'encoder-only'
 * @returns the family, or `unknown` for a type not in the table (such a model still packs).
 */
export function architectureFamilyOf(modelType: string): ArchitectureFamily {
  return Object.hasOwn(TABLE, modelType) ? TABLE[modelType]! : 'unknown';
}
