import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { deregisterOp, registerOp } from '@tensorflow/tfjs-converter';

/** The custom op that holds an asynchronous graph run until the test opens its gate. */
export const GATE_OP = 'InferoxTestGate';

/** The bias the gated graph adds after the gate: out = gate(x) + GATED_BIAS, x float32 [-1, 2]. */
export const GATED_BIAS = Float32Array.from([0.5, -2]);

/** A gate a gated graph run waits at: `entered` resolves when a run reaches it, `open()` lets it through. */
export interface Gate {
  readonly entered: Promise<void>;
  open(): void;
}

let current: { enter: () => void; opened: Promise<void>; open: () => void } | undefined;
let calls = 0;

/**
 * Registers {@link GATE_OP} with tfjs-converter. The op copies its input and always answers with a promise, so tfjs
 * runs the graph through `executeAsync` and the handle holds its scope (and the engine lock) across the wait.
 *
 * @returns a function deregistering the op.
 */
export function registerGateOp(): () => void {
  registerOp(GATE_OP, (node) => {
    calls++;
    const out = tf.clone(node.inputs[0]!);
    const gate = current;
    gate?.enter();
    return Promise.resolve(gate?.opened).then(() => [out]);
  });
  return () => deregisterOp(GATE_OP);
}

/** How often the gate op has been executed so far. */
export function gateOpCalls(): number {
  return calls;
}

/** Closes a new gate: gated runs from now on wait at it until `open()`; later runs pass freely again. */
export function closeGate(): Gate {
  let enter!: () => void;
  let open!: () => void;
  const entered = new Promise<void>((resolve) => (enter = resolve));
  const opened = new Promise<void>((resolve) => (open = resolve));
  current = { enter, opened, open };
  return {
    entered,
    open: () => {
      current = undefined;
      open();
    },
  };
}

/** Opens the gate left closed, if any (after a failed test), so no run keeps waiting. */
export function openGate(): void {
  const gate = current;
  current = undefined;
  gate?.open();
}

/** Writes a GraphModel computing out = InferoxTestGate(x) + bias, with the bias a weight read after the gate. */
export async function writeGatedGraph(dir: string): Promise<void> {
  await mkdir(dir, { recursive: true });
  const float = { type: 'DT_FLOAT' };
  const modelTopology = {
    node: [
      { name: 'x', op: 'Placeholder', attr: { dtype: float, shape: { shape: { dim: [{ size: '-1' }, { size: '2' }] } } } },
      { name: 'bias', op: 'Const', attr: { dtype: float, value: { tensor: { dtype: 'DT_FLOAT', tensorShape: { dim: [{ size: '2' }] } } } } },
      { name: 'gated', op: GATE_OP, input: ['x'], attr: { T: float } },
      { name: 'out', op: 'AddV2', input: ['gated', 'bias'], attr: { T: float } },
    ],
    versions: { producer: 1 },
  };
  await writeFile(join(dir, 'bias.bin'), new Uint8Array(GATED_BIAS.slice().buffer));
  await writeFile(
    join(dir, 'model.json'),
    JSON.stringify({ format: 'graph-model', modelTopology, weightsManifest: [{ paths: ['bias.bin'], weights: [{ name: 'bias', shape: [2], dtype: 'float32' }] }] }),
  );
}

/** The gated graph's output for `x` (rows of 2). */
export function gatedReference(x: Float32Array): number[] {
  return Array.from(x, (v, i) => v + GATED_BIAS[i % 2]!);
}
