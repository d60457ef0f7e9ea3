import { Tensor } from '@inferox/core';
import { afterEach, describe, expect, it } from 'vitest';
import { type Engine, createEngine } from './engine';
import { ControlledBackend, type ControlledLoadOptions, feedsOf } from './controlled-backend.fixture';
import { rejectionOf } from '@inferox/core/testing';

describe('Engine routing', () => {
  let engine: Engine<ControlledLoadOptions> | undefined;
  afterEach(async () => {
    await engine?.close();
    engine = undefined;
  });

  async function twoBackends(config = {}): Promise<{ engine: Engine<ControlledLoadOptions>; a: ControlledBackend; b: ControlledBackend }> {
    const a = new ControlledBackend({ name: 'a' });
    const b = new ControlledBackend({ name: 'b' });
    engine = createEngine({ backends: [a, b], config });
    await engine.load('m', { source: 'm', replicas: [{ backend: 'a', options: { factor: 2 } }, { backend: 'b', options: { factor: 3 } }] });
    return { engine, a, b };
  }

  it('runs on the requested backend when the request names one', async () => {
    const { engine } = await twoBackends();
    const onA = await engine.infer('m', feedsOf(1), { backend: 'a' });
    const onB = await engine.infer('m', feedsOf(1), { backend: 'b' });
    const byMeta = await engine.infer('m', feedsOf(1), { metadata: { backend: 'b' } });
    expect([onA.backend, onB.backend, byMeta.backend]).toEqual(['a', 'b', 'b']);
    expect(Array.from(onA.outputs.y!.data as Float32Array)).toEqual([2, 4]);
    expect(Array.from(onB.outputs.y!.data as Float32Array)).toEqual([3, 6]);
    expect(onA).toMatchObject({ model: 'm', version: 1, device: 'cpu', batchSize: 1 });
    expect(onA.fellBack).toBeUndefined();
  });

  it('picks the highest-priority backend when the request names none or auto', async () => {
    const { engine } = await twoBackends({ backendPriority: ['b'] });
    expect((await engine.infer('m', feedsOf(1))).backend).toBe('b');
    expect((await engine.infer('m', feedsOf(1), { backend: 'auto' })).backend).toBe('b');
  });

  it('asks a custom routing policy when one is configured', async () => {
    const seen: string[][] = [];
    const { engine } = await twoBackends({
      routing: (replicas: readonly { backend: string }[], request: { metadata: Record<string, string> }) => {
        seen.push(replicas.map((r) => r.backend));
        return request.metadata.tenant === 'x' ? 'b' : 'nope';
      },
    });
    expect((await engine.infer('m', feedsOf(1), { metadata: { tenant: 'x' } })).backend).toBe('b');
    expect((await engine.infer('m', feedsOf(1))).backend).toBe('a');
    expect(seen).toEqual([
      ['a', 'b'],
      ['a', 'b'],
    ]);
  });

  it('sends requests to the least-loaded replica when routing is least-loaded', async () => {
    const { engine, a } = await twoBackends({ routing: 'least-loaded' });
    a.hold();
    const first = engine.infer('m', feedsOf(1));
    await a.whenWaiting(1);
    const second = await engine.infer('m', feedsOf(1));
    expect(second.backend).toBe('b');
    a.release();
    expect((await first).backend).toBe('a');
  });

  it('falls back to another replica and says why when the chosen one fails with BACKEND_ERROR', async () => {
    const { engine, a } = await twoBackends();
    a.failNext('BACKEND_ERROR');
    const result = await engine.infer('m', feedsOf(1), { backend: 'a' });
    expect(result.backend).toBe('b');
    expect(result.fellBack).toMatchObject({ from: 'a', reason: 'BACKEND_ERROR' });
    expect(result.fellBack!.message).toContain('injected BACKEND_ERROR');
    expect(engine.stats().requests.fallbacks).toBe(1);
    const text = await engine.metrics.getSingleMetricAsString('inferox_fallbacks_total');
    expect(text).toContain('inferox_fallbacks_total{model="m",from="a",to="b",reason="BACKEND_ERROR"} 1');
  });

  it('falls back when the chosen replica was disposed by its backend', async () => {
    const { engine, a } = await twoBackends();
    await a.dispose();
    const result = await engine.infer('m', feedsOf(1), { backend: 'a' });
    expect(result.backend).toBe('b');
    expect(result.fellBack).toMatchObject({ from: 'a', reason: 'BACKEND_UNAVAILABLE' });
    expect(a.runs).toEqual([]);
  });

  it('maps a DISPOSED run to BACKEND_UNAVAILABLE and falls back when the handle dies mid-queue', async () => {
    const { engine, a } = await twoBackends();
    a.failNext('DISPOSED');
    const result = await engine.infer('m', feedsOf(1), { backend: 'a' });
    expect(result.fellBack).toMatchObject({ from: 'a', reason: 'BACKEND_UNAVAILABLE' });
  });

  it('does not fall back when fallback is off or the error is the caller’s', async () => {
    const { engine, a } = await twoBackends({ fallback: false });
    a.failNext('BACKEND_ERROR');
    expect((await rejectionOf(engine.infer('m', feedsOf(1), { backend: 'a' }))).code).toBe('BACKEND_ERROR');
    a.failNext('INVALID_INPUT');
    expect((await rejectionOf(engine.infer('m', feedsOf(1), { backend: 'a' }))).code).toBe('INVALID_INPUT');
    await a.dispose();
    const gone = await rejectionOf(engine.infer('m', feedsOf(1), { backend: 'a' }));
    expect(gone.code).toBe('BACKEND_UNAVAILABLE');
    expect(gone.message).toContain('"a"');
  });

  it('never falls back on the caller’s errors when fallback is on', async () => {
    const { engine, a, b } = await twoBackends();
    a.failNext('INVALID_INPUT');
    expect((await rejectionOf(engine.infer('m', feedsOf(1), { backend: 'a' }))).code).toBe('INVALID_INPUT');
    const controller = new AbortController();
    controller.abort(new Error('stop'));
    expect((await rejectionOf(engine.infer('m', feedsOf(1), { backend: 'a', signal: controller.signal }))).code).toBe('CANCELLED');
    a.hold();
    const timedOut = rejectionOf(engine.infer('m', feedsOf(1), { backend: 'a', timeoutMs: 1 }));
    expect((await timedOut).code).toBe('TIMEOUT');
    a.release();
    expect(b.runs).toEqual([]);
    expect(engine.stats().requests.fallbacks).toBe(0);
  });

  it('falls back only on the codes config.fallbackOn lists', async () => {
    const { engine, a, b } = await twoBackends({ fallbackOn: ['BACKEND_UNAVAILABLE'] });
    a.failNext('BACKEND_ERROR');
    expect((await rejectionOf(engine.infer('m', feedsOf(1), { backend: 'a' }))).code).toBe('BACKEND_ERROR');
    expect(b.runs).toEqual([]);
    a.failNext('BACKEND_UNAVAILABLE');
    const moved = await engine.infer('m', feedsOf(1), { backend: 'a' });
    expect([moved.backend, moved.fellBack?.reason, b.runs.length]).toEqual(['b', 'BACKEND_UNAVAILABLE', 1]);
  });

  it('initialises each backend once across loads and never retries a failed init', async () => {
    const good = new ControlledBackend({ name: 'good' });
    const bad = new ControlledBackend({ name: 'bad', failInit: 'no device' });
    engine = createEngine({ backends: [good, bad] });
    await Promise.all([engine.load('m1', { source: 'm1', backends: ['good'] }), engine.load('m2', { source: 'm2', backends: ['good'] })]);
    await engine.load('m3', { source: 'm3', backends: ['good'] });
    expect((await rejectionOf(engine.load('x1', { source: 'x', backends: ['bad'] }))).message).toContain('no device');
    expect((await rejectionOf(engine.load('x2', { source: 'x', backends: ['bad'] }))).message).toContain('no device');
    expect([good.initCalls, bad.initCalls]).toEqual([1, 1]);
  });

  it('fails with the last error when every replica fails', async () => {
    const { engine, a, b } = await twoBackends();
    a.failNext('BACKEND_ERROR');
    b.failNext('BACKEND_ERROR');
    const error = await rejectionOf(engine.infer('m', feedsOf(1)));
    expect(error.code).toBe('BACKEND_ERROR');
    expect(error.message).toContain('on b');
    expect(engine.stats().requests.failed).toEqual({ BACKEND_ERROR: 1 });
  });

  it('rejects unknown models with MODEL_NOT_FOUND listing those that exist', async () => {
    const { engine } = await twoBackends();
    await engine.load('other', { source: 'o', backends: ['a'] });
    const error = await rejectionOf(engine.infer('nope', feedsOf(1)));
    expect(error.code).toBe('MODEL_NOT_FOUND');
    expect(error.message).toContain('"nope"');
    expect(error.message).toContain('"m"');
    expect(error.message).toContain('"other"');
    const version = await rejectionOf(engine.infer('m@7', feedsOf(1)));
    expect(version.code).toBe('MODEL_NOT_FOUND');
    expect(version.message).toContain('versions 1');
  });

  it('rejects unknown backends and backends without a replica with BACKEND_UNAVAILABLE', async () => {
    const c = new ControlledBackend({ name: 'c' });
    engine = createEngine({ backends: [new ControlledBackend({ name: 'a' }), c] });
    await engine.load('m', { source: 'm', backends: ['a'] });
    const unknown = await rejectionOf(engine.infer('m', feedsOf(1), { backend: 'zzz' }));
    expect(unknown.code).toBe('BACKEND_UNAVAILABLE');
    expect(unknown.message).toContain('"zzz"');
    expect(unknown.message).toContain('"a", "c"');
    const noReplica = await rejectionOf(engine.infer('m', feedsOf(1), { backend: 'c' }));
    expect(noReplica.code).toBe('BACKEND_UNAVAILABLE');
    expect(noReplica.message).toContain('no replica on backend "c"');
    expect((await rejectionOf(engine.load('x', { source: 'x', backends: ['zzz'] }))).code).toBe('BACKEND_UNAVAILABLE');
  });

  it('validates feeds before queueing with INVALID_INPUT naming the input', async () => {
    const { engine, a, b } = await twoBackends();
    const wrong = await rejectionOf(engine.infer('m', { x: Tensor.zeros('float64', [1, 2]) }));
    expect(wrong.code).toBe('INVALID_INPUT');
    expect(wrong.message).toContain('"x"');
    const extra = await rejectionOf(engine.infer('m', { ...feedsOf(1), z: Tensor.zeros('float32', [1]) }));
    expect(extra.message).toContain('"z"');
    expect(a.runs.length + b.runs.length).toBe(0);
  });

  it('loads on the highest-priority backend that initialises and remembers why another failed', async () => {
    const broken = new ControlledBackend({ name: 'broken', failInit: 'no runtime here' });
    const ok = new ControlledBackend({ name: 'ok' });
    engine = createEngine({ backends: [broken, ok] });
    const info = await engine.load('m', { source: 'm' });
    expect(info.replicas.map((r) => r.backend)).toEqual(['ok']);
    const again = await rejectionOf(engine.load('n', { source: 'n', backends: ['broken'] }));
    expect(again.code).toBe('BACKEND_UNAVAILABLE');
    expect(again.message).toContain('no runtime here');
    expect(broken.initCalls).toBeGreaterThanOrEqual(1);
    expect(engine.stats().backends).toEqual([
      { name: 'broken', state: 'unavailable', cause: expect.stringContaining('no runtime here') },
      { name: 'ok', state: 'available', runtime: 'test' },
    ]);
  });

  it('fails the load with every attempt when no backend initialises', async () => {
    engine = createEngine({ backends: [new ControlledBackend({ name: 'x', failInit: 'nope' })] });
    const error = await rejectionOf(engine.load('m', { source: 'm' }));
    expect(error.code).toBe('BACKEND_UNAVAILABLE');
    expect((error.details.attempts as unknown[]).length).toBe(1);
  });
});
