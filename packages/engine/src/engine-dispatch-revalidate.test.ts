import { type Backend, type BackendInfo, ErrorCode, InferoxError, ManagedModelHandle, type ModelSignature, Tensor } from '@inferox/core';
import { rejectionOf } from '@inferox/core/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { type Engine, createEngine } from './engine';

/** One signature object for every handle (as a backend with a fixed model description may have). */
const SIGNATURE: ModelSignature = { inputs: [{ name: 'x', dtype: 'float32', shape: ['n'] }], outputs: [{ name: 'y', dtype: 'float32', shape: ['n'] }] };

/** A backend of core managed handles (where the engine's `validated` flag counts) with input `x`; `fail` holds each run until `gate` and then fails it. */
function managedBackend(name: string, fail?: { gate: Promise<void> }, signature = SIGNATURE, handles: ManagedModelHandle[] = []): Backend {
  const info: BackendInfo = { name, runtime: 'js', devices: [{ kind: 'cpu' }], attempts: [] };
  return {
    name,
    isAvailable: async () => true,
    init: async () => info,
    devices: async () => info.devices,
    loadModel: async () => {
      const handle = new ManagedModelHandle({
        name: 'x-model',
        backend: name,
        device: { kind: 'cpu' },
        signature,
        memoryBytes: 8,
        runner: {
          async run(feeds) {
            if (fail) {
              await fail.gate;
              throw new InferoxError(ErrorCode.BACKEND_ERROR, `${name} failed`);
            }
            return { y: Tensor.from('float32', feeds.x!.toArray() as number[], feeds.x!.shape) };
          },
          release() {},
        },
      });
      handles.push(handle);
      return handle;
    },
    dispose: async () => undefined,
    [Symbol.asyncDispose]: async () => undefined,
  };
}

describe('Engine fallback after an attempt that awaited', () => {
  let engine: Engine | undefined;
  afterEach(async () => {
    await engine?.close();
    engine = undefined;
  });

  it('checks the feeds again on the next replica, even of the same signature object: a feed the caller disposed meanwhile is INVALID_INPUT', async () => {
    let open!: () => void;
    const gate = new Promise<void>((resolve) => (open = resolve));
    engine = createEngine({ backends: [managedBackend('a', { gate }), managedBackend('b')] });
    await engine.load('m', { source: 'm', backends: ['a', 'b'] });
    const x = Tensor.from('float32', [1, 2], [2]);
    const pending = rejectionOf(engine.infer('m', { x }));
    await new Promise((resolve) => setImmediate(resolve));
    x.dispose();
    open();
    const error = await pending;
    expect([error.code, error.message]).toEqual([ErrorCode.INVALID_INPUT, 'input "x" was disposed']);
  });

  it("validates the feeds against the first usable replica's signature, not that of a replica its backend disposed", async () => {
    const handles: ManagedModelHandle[] = [];
    const other: ModelSignature = { inputs: [{ name: 'z', dtype: 'int32', shape: ['n'] }], outputs: SIGNATURE.outputs };
    engine = createEngine({ backends: [managedBackend('a', undefined, other, handles), managedBackend('b')] });
    await engine.load('m', { source: 'm', backends: ['a', 'b'] });
    await handles[0]!.dispose();
    const result = await engine.infer('m', { x: Tensor.from('float32', [1, 2], [2]) });
    expect([result.backend, result.fellBack?.reason]).toEqual(['b', ErrorCode.BACKEND_UNAVAILABLE]);
  });
});
