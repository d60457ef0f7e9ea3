/**
 * The shared memory of one shared-memory pool thread (src/internal/sab-pool.ts ↔ sab-worker.ts), owned by this file
 * so both sides read the same words at the same offsets.
 *
 * One SharedArrayBuffer per worker thread: a control block of Int32 words, two Float64 times per slot (echo), then
 * `depth` request slots, each with room for an error message, its feeds ([1, seq] int64 per input) and its outputs
 * (float32). Requests are numbered
 * from 1; request n uses slot (n - 1) % depth. The main thread writes a slot's feeds, stores n in REQUEST and
 * notifies; the worker runs every request up to REQUEST in order, and after each stores its number in DONE and
 * notifies. The main thread reuses a slot only after it has copied that slot's outputs out.
 */

/** Int32 word indices of the control block shared by all slots. */
export const CONTROL = {
  /** The number of the last request written (main thread → worker). */
  request: 0,
  /** The number of the last request answered (worker → main thread). */
  done: 1,
  /** Non-zero: the worker leaves its loop, releases its session and ends (set before REQUEST is bumped). */
  close: 2,
} as const;
const CONTROL_WORDS = 4;

/** Int32 word offsets inside a slot's part of the control block (after the shared words). */
export const SLOT_WORD = {
  /** RUN or ECHO, written with the feeds. */
  mode: 0,
  /** OK or FAILED, written by the worker before DONE. */
  status: 1,
  /** Bytes of the error message in the slot's error area when FAILED. */
  errorBytes: 2,
} as const;
const SLOT_WORDS = 4;

/** A slot's modes: run the session, or answer at once (an echo timing the hand-off alone). */
export const MODE = { run: 0, echo: 1 } as const;
/** A slot's status once answered. */
export const STATUS = { ok: 0, failed: 1 } as const;

/** Bytes kept for an error message per slot (a longer message is cut). */
export const ERROR_BYTES = 1024;

/** Where one input or output lives in a slot, relative to the slot's start. */
export interface SabArea {
  readonly name: string;
  readonly offset: number;
  /** Elements (int64 for inputs, float32 for outputs). */
  readonly length: number;
}

/** Where everything lives; plain data, sent with the buffer from the worker that allocates it. */
export interface SabLayout {
  readonly depth: number;
  readonly seq: number;
  readonly byteLength: number;
  /** Bytes from one slot to the next; slot k starts at `slotsOffset + k * slotBytes`. */
  readonly slotsOffset: number;
  readonly slotBytes: number;
  /** Float64 per slot: [the worker read the request, the worker answered it], epoch ms (echo only). */
  readonly timesOffset: number;
  readonly errorOffset: number;
  readonly inputs: readonly SabArea[];
  readonly outputs: readonly (SabArea & { readonly dims: readonly number[] })[];
}

const align8 = (n: number): number => Math.ceil(n / 8) * 8;

/** The layout for `depth` slots of [1, seq] int64 feeds named `inputNames` and float32 outputs of these dims. */
export function sabLayout(depth: number, seq: number, inputNames: readonly string[], outputs: readonly { readonly name: string; readonly dims: readonly number[] }[]): SabLayout {
  if (!(Number.isInteger(depth) && depth > 0)) throw new Error(`depth must be a positive integer, got ${depth}`);
  const controlBytes = align8((CONTROL_WORDS + SLOT_WORDS * depth) * 4);
  const timesOffset = controlBytes;
  const slotsOffset = timesOffset + depth * 2 * 8;
  let at = 0;
  const errorOffset = at;
  at += ERROR_BYTES;
  const ins = inputNames.map((name) => {
    const area = { name, offset: at, length: seq };
    at += seq * 8;
    return area;
  });
  const outs = outputs.map(({ name, dims }) => {
    const length = dims.reduce((a, b) => a * b, 1);
    const area = { name, dims: [...dims], offset: at, length };
    at = align8(at + length * 4);
    return area;
  });
  const slotBytes = align8(at);
  return { depth, seq, byteLength: slotsOffset + depth * slotBytes, slotsOffset, slotBytes, timesOffset, errorOffset, inputs: ins, outputs: outs };
}

/** Typed views over one slot. */
export interface SabSlotViews {
  readonly inputs: BigInt64Array[];
  readonly outputs: Float32Array[];
  readonly error: Uint8Array;
  /** [read, answered], epoch ms. */
  readonly times: Float64Array;
}

/** Typed views over a buffer laid out by `layout`. */
export interface SabViews {
  readonly control: Int32Array;
  readonly slots: SabSlotViews[];
}

/** The word index of `word` (a {@link SLOT_WORD}) of slot `slot` in the control block. */
export const slotWord = (slot: number, word: number): number => CONTROL_WORDS + slot * SLOT_WORDS + word;

/** Views over `buffer` as `layout` places things. */
export function sabViews(buffer: SharedArrayBuffer, layout: SabLayout): SabViews {
  const slots = Array.from({ length: layout.depth }, (_, k) => {
    const base = layout.slotsOffset + k * layout.slotBytes;
    return {
      inputs: layout.inputs.map((a) => new BigInt64Array(buffer, base + a.offset, a.length)),
      outputs: layout.outputs.map((a) => new Float32Array(buffer, base + a.offset, a.length)),
      error: new Uint8Array(buffer, base + layout.errorOffset, ERROR_BYTES),
      times: new Float64Array(buffer, layout.timesOffset + k * 16, 2),
    };
  });
  return { control: new Int32Array(buffer, 0, CONTROL_WORDS + SLOT_WORDS * layout.depth), slots };
}

/** What a sab-worker thread is started with. */
export interface SabWorkerData {
  readonly onnxPath: string;
  readonly threads: number;
  readonly seq: number;
  readonly depth: number;
}

/** The one message a sab-worker thread posts: its buffer and where things are in it. */
export interface SabReady {
  readonly type: 'ready';
  readonly buffer: SharedArrayBuffer;
  readonly layout: SabLayout;
}
