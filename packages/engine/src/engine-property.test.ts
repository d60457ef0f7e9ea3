import { isErrorCode, isInferoxError } from '@inferox/core';
import fc from 'fast-check';
import { describe, expect, it, vi } from 'vitest';
import { createEngine } from './engine';
import { ControlledBackend, feedsOf } from './controlled-backend.fixture';

type Command =
  | { t: 'load'; model: string; factor: number; lazy: boolean; budget: boolean }
  | { t: 'unload'; model: string }
  | { t: 'infer'; model: string; backend?: string; cancel: boolean }
  | { t: 'hold' }
  | { t: 'release'; count: number }
  | { t: 'fail'; code: 'BACKEND_ERROR' | 'BACKEND_UNAVAILABLE' | 'INVALID_INPUT' }
  | { t: 'tick' }
  | { t: 'close'; drain: boolean };

const model = fc.constantFrom('p', 'q', 'r');
const command: fc.Arbitrary<Command> = fc.oneof(
  { weight: 3, arbitrary: fc.record({ t: fc.constant('load' as const), model, factor: fc.integer({ min: 1, max: 5 }), lazy: fc.boolean(), budget: fc.boolean() }) },
  { weight: 1, arbitrary: fc.record({ t: fc.constant('unload' as const), model }) },
  { weight: 8, arbitrary: fc.record({ t: fc.constant('infer' as const), model, backend: fc.option(fc.constantFrom('a', 'b'), { nil: undefined }), cancel: fc.boolean() }) },
  { weight: 1, arbitrary: fc.record({ t: fc.constant('hold' as const) }) },
  { weight: 2, arbitrary: fc.record({ t: fc.constant('release' as const), count: fc.integer({ min: 1, max: 3 }) }) },
  { weight: 1, arbitrary: fc.record({ t: fc.constant('fail' as const), code: fc.constantFrom('BACKEND_ERROR' as const, 'BACKEND_UNAVAILABLE' as const, 'INVALID_INPUT' as const) }) },
  { weight: 3, arbitrary: fc.record({ t: fc.constant('tick' as const) }) },
);

const tick = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

describe('Engine (property)', () => {
  it('settles every request exactly once and never runs a disposed model, whatever the sequence of load/unload/infer/close', async () => {
    let succeeded = 0;
    const codes: Record<string, number> = {};
    await fc.assert(
      fc.asyncProperty(fc.array(command, { minLength: 1, maxLength: 40, size: 'large' }), fc.option(fc.nat(40), { nil: undefined }), fc.boolean(), async (list, closeAt, drain) => {
        const commands: Command[] = [...list];
        if (closeAt !== undefined) commands.splice(closeAt, 0, { t: 'close', drain });
        const a = new ControlledBackend({ name: 'a', memoryBytes: 100 });
        const b = new ControlledBackend({ name: 'b', memoryBytes: 100 });
        const engine = createEngine({ backends: [a, b], config: { maxMemoryBytes: 500 } });
        await engine.load('p', { source: 'p', backends: ['a', 'b'] });
        await engine.load('q', { source: 'q', backends: ['b', 'a'], lazy: true });
        // Per request: every settlement seen through its promise callbacks (a second one would be a bug).
        const settled: string[][] = [];
        const checks: Promise<void>[] = [];
        const others: Promise<unknown>[] = [];
        // The drain of a close ends when the test says so (after the last command), not after some milliseconds.
        const endDrain = new AbortController();
        for (const c of commands) {
          switch (c.t) {
            case 'load':
              // Awaited: a load never waits for requests (only idle models are evicted; a swapped one drains apart).
              await engine.load(c.model, { source: c.model, lazy: c.lazy, backends: ['a', 'b'], options: { factor: c.factor, memoryBytes: c.budget ? 100 : 50 } }).catch((e: unknown) => e);
              break;
            case 'unload':
              others.push(engine.unload(c.model).catch((e: unknown) => e));
              break;
            case 'infer': {
              const i = settled.push([]) - 1;
              const controller = new AbortController();
              const p = engine.infer(c.model, feedsOf(i + 1), { ...(c.backend ? { backend: c.backend } : {}), signal: controller.signal });
              checks.push(
                p.then(
                  (r) => {
                    settled[i]!.push('ok');
                    succeeded += 1;
                    const y = r.outputs.y!.data as Float32Array;
                    expect(y[0]! * (i + 2)).toBe(y[1]! * (i + 1));
                  },
                  (error: unknown) => {
                    settled[i]!.push((error as { code: string }).code);
                    codes[(error as { code: string }).code] = (codes[(error as { code: string }).code] ?? 0) + 1;
                    expect(isInferoxError(error) && isErrorCode(error.code)).toBe(true);
                    // INTERNAL would be an engine bug, whatever the sequence.
                    expect((error as { code: string }).code, (error as Error).message).not.toBe('INTERNAL');
                  },
                ),
              );
              if (c.cancel) controller.abort(new Error('cancelled by the test'));
              break;
            }
            case 'hold':
              a.hold();
              b.hold();
              break;
            case 'release':
              a.release(c.count);
              b.release(c.count);
              break;
            case 'fail':
              a.failNext(c.code);
              break;
            case 'tick':
              await tick();
              break;
            case 'close':
              others.push(engine.close(c.drain ? { signal: endDrain.signal } : { drain: false }));
              break;
          }
        }
        // A draining close gives up on what is still held; then the held runs return.
        endDrain.abort();
        a.release();
        b.release();
        const closed = engine.close();
        // Bounded wait naming the requests that never settled (a lost request fails here, not as a test timeout).
        await vi.waitFor(
          () => {
            const unsettled = settled.flatMap((s, i) => (s.length === 0 ? [i] : []));
            expect(unsettled, `requests never settled; commands: ${JSON.stringify(commands)}`).toEqual([]);
          },
          { timeout: 2_000, interval: 5 },
        );
        await closed;
        await Promise.all(others);
        await Promise.all(checks);
        expect(settled.flatMap((s, i) => (s.length === 1 ? [] : [{ i, s }]))).toEqual([]);
        expect([...a.runs, ...b.runs].filter((r) => r.disposed)).toEqual([]);
        // close does not wait for a run that outlived its drain: such a handle is disposed once its run returned.
        await vi.waitFor(() => expect(a.live.size + b.live.size).toBe(0));
      }),
      { numRuns: 60 },
    );
    // The sequences did reach the backends (the property is not vacuous).
    expect(succeeded, JSON.stringify(codes)).toBeGreaterThan(20);
    expect(codes.INTERNAL, JSON.stringify(codes)).toBeUndefined();
  });
});
