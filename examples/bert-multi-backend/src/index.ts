export { DEFAULT_SENTENCES, runBertDemo } from './bert-demo';
export type { BertDemoOptions, DemoReport, DemoRow } from './bert-demo';
export { EMBEDDED_MODEL_DIR, packEmbeddedModel, readPackageVocab } from './embedded-model';
export { loadBertBaseUncasedVocab, sentencePieceToWordPiece } from './vocab';
export { WordPieceTokenizer } from './wordpiece-tokenizer';
export type { EncodedBatch, TextInput } from './wordpiece-tokenizer';
