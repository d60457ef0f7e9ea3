import { resolve } from 'node:path';

/** The embedded embedding model: tiny-bert-st, a sentence-transformers folder (random weights, real tokenizer). */
export const EMBEDDED_MODEL_DIR = resolve(import.meta.dirname, '../../../fixtures/tiny-bert-st');

/** The embedded classifier: tiny-bert-cls, a BertForSequenceClassification folder with three labels. */
export const EMBEDDED_CLASSIFIER_DIR = resolve(import.meta.dirname, '../../../fixtures/tiny-bert-cls');
