import { afterEach, describe, expect, it, vi } from 'vitest';
import { noopLogger } from './logger';

describe('noopLogger', () => {
  afterEach(() => {
    vi.restoreAllMocks();
  });

  it('writes nothing anywhere when every level is called', () => {
    const sinks = [
      ...(['debug', 'info', 'log', 'warn', 'error', 'trace'] as const).map((m) => vi.spyOn(console, m)),
      vi.spyOn(process.stdout, 'write'),
      vi.spyOn(process.stderr, 'write'),
    ];
    const context = { a: 1 };
    for (const level of ['debug', 'info', 'warn', 'error'] as const) noopLogger[level]('message', context);
    expect(sinks.map((s) => s.mock.calls.length)).toEqual(sinks.map(() => 0));
    expect(context).toEqual({ a: 1 });
  });

  it('cannot be changed when someone assigns to it', () => {
    const before = noopLogger.info;
    expect(() => {
      (noopLogger as { info: unknown }).info = () => 'replaced';
    }).toThrow(TypeError);
    expect(() => {
      (noopLogger as unknown as Record<string, unknown>)['extra'] = 1;
    }).toThrow(TypeError);
    expect(noopLogger.info).toBe(before);
    expect(Object.keys(noopLogger).sort()).toEqual(['debug', 'error', 'info', 'warn']);
  });
});
