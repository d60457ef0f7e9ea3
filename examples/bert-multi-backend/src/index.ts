export { DEFAULT_SENTENCES, runBertDemo } from './bert-demo';
export type { BertDemoOptions, DemoReport } from './bert-demo';
export { EMBEDDED_CLASSIFIER_DIR, EMBEDDED_MODEL_DIR } from './embedded-model';
