import type { BenchProfile, BertSizeName } from './bench-profile';
import type { ScenarioResult } from './report';

/** A BERT checkpoint ready for every side: the folder, the exported ONNX file and the weight bytes. */
export interface PreparedModel {
  readonly name: BertSizeName;
  /** `config.json` + `model.safetensors`. */
  readonly dir: string;
  /** The ONNX export of `dir` (the same file for Inferox and every onnxruntime baseline). */
  readonly onnxPath: string;
  readonly weightBytes: number;
  readonly hidden: number;
}

/** What a scenario gets to run with. */
export interface BenchContext {
  readonly profile: BenchProfile;
  /** onnxruntime intra-op threads for every session, Inferox and baselines alike. */
  readonly threads: number;
  /** A scratch folder removed after the run. */
  readonly workDir: string;
  /** Prepares (once per run) the checkpoint and ONNX file of a size. */
  model(name: BertSizeName): Promise<PreparedModel>;
  /** Progress lines (stderr). */
  log(message: string): void;
}

/** One benchmark scenario of the issue. */
export interface Scenario {
  /** Short id (`overhead`), also accepted by `--only`. */
  readonly id: string;
  /** Its number in the issue (1..7), also accepted by `--only`. */
  readonly number: number;
  readonly title: string;
  run(context: BenchContext): Promise<ScenarioResult>;
}
