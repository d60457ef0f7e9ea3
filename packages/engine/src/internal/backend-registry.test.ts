import { type BackendInfo, InferoxError } from '@inferox/core';
import { rejectionOf, thrownBy } from '@inferox/core/testing';
import { describe, expect, it } from 'vitest';
import { ControlledBackend } from '../controlled-backend.fixture';
import { BackendRegistry } from './backend-registry';

/** A backend whose init fails with whatever `failure` is (an InferoxError with details, a string). */
class FailingBackend extends ControlledBackend {
  readonly #failure: unknown;
  constructor(name: string, failure: unknown) {
    super({ name });
    this.#failure = failure;
  }
  override init(): Promise<BackendInfo> {
    this.initCalls += 1;
    return Promise.reject(this.#failure);
  }
}

const named = (...names: string[]): ControlledBackend[] => names.map((name) => new ControlledBackend({ name }));

describe('BackendRegistry', () => {
  it('orders backends by the priority list, then the rest in the order given (unknown priority names take no place)', () => {
    expect(new BackendRegistry(named('a', 'b', 'c'), ['c']).names()).toEqual(['c', 'a', 'b']);
    const registry = new BackendRegistry(named('a', 'b', 'c'), ['z', 'b']);
    expect(registry.names()).toEqual(['b', 'a', 'c']);
    expect([registry.rank('b'), registry.rank('a'), registry.rank('c'), registry.rank('nope')]).toEqual([1, 2, 4, Number.MAX_SAFE_INTEGER]);
    expect([registry.has('a'), registry.has('nope')]).toEqual([true, false]);
    // Without a priority list the first backend given is the most preferred, rank 0.
    const plain = new BackendRegistry(named('a', 'b'));
    expect([plain.rank('a'), plain.rank('b')]).toEqual([0, 1]);
  });

  it('refuses two backends of one name with INVALID_INPUT naming it', () => {
    const error = thrownBy(() => new BackendRegistry(named('a', 'a')));
    expect([error.code, error.message, error.details]).toEqual(['INVALID_INPUT', 'backends: two backends are named "a"', { backend: 'a' }]);
  });

  it('answers an unknown name with BACKEND_UNAVAILABLE listing the backends it has, or saying it has none', async () => {
    const [a, b] = named('a', 'b');
    const registry = new BackendRegistry([a!, b!]);
    expect(registry.get('a')).toBe(a);
    const error = thrownBy(() => registry.get('x'));
    expect([error.code, error.message, error.details]).toEqual(['BACKEND_UNAVAILABLE', 'unknown backend "x"; the engine has "a", "b"', { backend: 'x', backends: ['a', 'b'] }]);
    expect((await rejectionOf(registry.init('x'))).message).toBe('unknown backend "x"; the engine has "a", "b"');
    expect(thrownBy(() => new BackendRegistry([]).get('x')).message).toBe('unknown backend "x"; the engine has no backends');
  });

  it('initialises a backend once and reports unknown, initialising, then available with its runtime', async () => {
    const [a, b] = named('a', 'b');
    const registry = new BackendRegistry([a!, b!]);
    expect(registry.statuses()).toEqual([
      { name: 'a', state: 'unknown' },
      { name: 'b', state: 'unknown' },
    ]);
    const first = registry.init('a');
    expect(registry.statuses()[0]).toEqual({ name: 'a', state: 'initialising' });
    const info = await first;
    expect(await registry.init('a')).toBe(info);
    expect(a!.initCalls).toBe(1);
    expect(registry.statuses()).toEqual([
      { name: 'a', state: 'available', runtime: 'test' },
      { name: 'b', state: 'unknown' },
    ]);
  });

  it('keeps an init failure with its cause and details and gives it again on every later call', async () => {
    const cause = new InferoxError('BACKEND_UNAVAILABLE', 'no GPU', { details: { device: 'gpu' } });
    const bad = new FailingBackend('a', cause);
    const registry = new BackendRegistry([bad]);
    expect(registry.usable('a')).toBe(true);
    const error = await rejectionOf(registry.init('a'));
    expect([error.code, error.message, error.details, error.cause]).toEqual(['BACKEND_UNAVAILABLE', 'backend "a" failed to initialise: no GPU', { backend: 'a', device: 'gpu' }, cause]);
    expect(await rejectionOf(registry.init('a'))).toBe(error);
    expect(bad.initCalls).toBe(1);
    expect([registry.usable('a'), registry.usable('unknown')]).toEqual([false, true]);
    expect(registry.statuses()).toEqual([{ name: 'a', state: 'unavailable', cause: 'backend "a" failed to initialise: no GPU' }]);
    const thrownString = await rejectionOf(new BackendRegistry([new FailingBackend('s', 'plain text')]).init('s'));
    expect([thrownString.message, thrownString.details]).toEqual(['backend "s" failed to initialise: plain text', { backend: 's' }]);
  });

  it('stops waiting for an init when the signal aborts, without failing the backend', async () => {
    const registry = new BackendRegistry(named('a'));
    const stop = new AbortController();
    stop.abort(new Error('bye'));
    const error = await rejectionOf(registry.init('a', { signal: stop.signal }));
    expect([error.code, error.message]).toEqual(['CANCELLED', 'init of backend a was cancelled by its signal']);
    await registry.init('a');
    expect(registry.usable('a')).toBe(true);
  });

  it('picks the most preferred backend that initialises, and lists every attempt when none does', async () => {
    const registry = new BackendRegistry([new FailingBackend('a', new Error('broken')), new ControlledBackend({ name: 'b' })]);
    expect(await registry.pickDefault()).toBe('b');
    const none = new BackendRegistry([new FailingBackend('x', new Error('e1')), new FailingBackend('y', new Error('e2'))]);
    const error = await rejectionOf(none.pickDefault());
    expect([error.code, error.message]).toEqual(['BACKEND_UNAVAILABLE', 'no backend is available (tried x, y)']);
    const attempts = (error.details as { attempts: { backend: string; cause: InferoxError }[] }).attempts;
    expect(attempts.map((a) => [a.backend, a.cause.message])).toEqual([
      ['x', 'backend "x" failed to initialise: e1'],
      ['y', 'backend "y" failed to initialise: e2'],
    ]);
    expect((await rejectionOf(new BackendRegistry([]).pickDefault())).message).toBe('no backend is available (tried none)');
  });

  it('gives up picking at the first attempt when the signal is aborted', async () => {
    const b = new ControlledBackend({ name: 'b' });
    const registry = new BackendRegistry([new FailingBackend('a', new Error('broken')), b]);
    const stop = new AbortController();
    stop.abort(new Error('bye'));
    const error = await rejectionOf(registry.pickDefault({ signal: stop.signal }));
    expect(error.code).toBe('CANCELLED');
    expect(b.initCalls).toBe(0);
  });

  it('disposes every backend once, one named in `after` only once its promise settles, without waiting for it', async () => {
    const [a, b] = named('a', 'b');
    const registry = new BackendRegistry([a!, b!]);
    let finish!: () => void;
    const stuck = new Promise<void>((resolve) => (finish = resolve));
    const disposed = registry.dispose(new Map([['b', stuck]]));
    expect(registry.dispose()).toBe(disposed);
    await disposed;
    expect([a!.disposed, b!.disposed]).toEqual([true, false]);
    finish();
    await stuck;
    await new Promise((resolve) => setImmediate(resolve));
    expect(b!.disposed).toBe(true);
  });
});
