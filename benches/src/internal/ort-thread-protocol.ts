/** What an ort-worker thread is started with. */
export interface OrtThreadData {
  readonly onnxPath: string;
  readonly threads: number;
}

/** Messages to an ort-worker thread. */
export type ToOrtThread =
  /** Run [batch, seq] feeds back to back from `startAt` (epoch ms) for `windowMs`, then answer `looped`. */
  | { readonly type: 'loop'; readonly batch: number; readonly seq: number; readonly startAt: number; readonly windowMs: number }
  /** Run these int64 feeds of shape [rows, seq] and answer `ran` with the outputs (transferred). */
  | { readonly type: 'run'; readonly id: number; readonly rows: number; readonly seq: number; readonly feeds: readonly { readonly name: string; readonly data: BigInt64Array }[] }
  /**
   * Answer `echoed` at once with the receive time and a new `replyFloats`-long array (as a run's outputs would be),
   * transferred when `transfer`; `payload` (feeds) is cloned on the way in.
   */
  | { readonly type: 'echo'; readonly sentAt: number; readonly payload: unknown; readonly replyFloats: number; readonly transfer: boolean }
  | { readonly type: 'close' };

/** Messages from an ort-worker thread. */
export type FromOrtThread =
  | { readonly type: 'ready' }
  | { readonly type: 'looped'; readonly runs: number; readonly ms: number }
  | { readonly type: 'ran'; readonly id: number; readonly outputs: readonly { readonly name: string; readonly dims: readonly number[]; readonly data: Float32Array }[] }
  | { readonly type: 'echoed'; readonly sentAt: number; readonly receivedAt: number; readonly repliedAt: number; readonly reply?: Float32Array };
