/**
 * onnxruntime session options Inferox passes through (`InferenceSession.SessionOptions` minus
 * `executionProviders`, which is its own option, and `preferredOutputLocation`, since outputs are always CPU tensors).
 */
export interface OnnxSessionOptions {
  readonly intraOpNumThreads?: number;
  readonly interOpNumThreads?: number;
  readonly freeDimensionOverrides?: Readonly<Record<string, number>>;
  readonly graphOptimizationLevel?: 'disabled' | 'basic' | 'extended' | 'layout' | 'all';
  readonly enableCpuMemArena?: boolean;
  readonly enableMemPattern?: boolean;
  readonly executionMode?: 'sequential' | 'parallel';
  readonly optimizedModelFilePath?: string;
  readonly enableProfiling?: boolean;
  readonly profileFilePrefix?: string;
  readonly logId?: string;
  readonly logSeverityLevel?: 0 | 1 | 2 | 3 | 4;
  readonly logVerbosityLevel?: number;
  readonly enableGraphCapture?: boolean;
  /** Session config entries (`{ session: { intra_op: { allow_spinning: '0' } } }`). */
  readonly extra?: Readonly<Record<string, unknown>>;
}
