import { describe, expect, it } from 'vitest';
import type { LoadModelOptions } from './backend';
import { LOAD_MODEL_OPTION_NAMES, checkLoadModelOptions } from './check-load-model-options';
import { thrown } from './internal/thrown.fixture';

interface ThreadOptions extends LoadModelOptions {
  readonly threads?: number;
  readonly tag?: string;
}

const OWN = { threads: true, tag: true } as const;

describe('checkLoadModelOptions', () => {
  it('returns the same object when every key is known, and {} for undefined', () => {
    const options: ThreadOptions = { name: 'm', device: 'cpu', threads: 2, tag: 'x' };
    expect(checkLoadModelOptions(options, 'test', OWN)).toBe(options);
    expect(checkLoadModelOptions<ThreadOptions>(undefined, 'test', OWN)).toEqual({});
    expect(checkLoadModelOptions({}, 'test', {})).toEqual({});
  });

  it('rejects an unknown key with INVALID_INPUT naming it, the backend and every known option', () => {
    const error = thrown(() => checkLoadModelOptions({ threds: 2 } as ThreadOptions, 'test', OWN));
    expect(error.code).toBe('INVALID_INPUT');
    expect(error.message).toBe("unknown option options.threds of the test backend's loadModel; known: name, device, cpuThreads, threads, tag");
    expect(error.details).toEqual({ option: 'options.threds', known: ['name', 'device', 'cpuThreads', 'threads', 'tag'] });
  });

  it('rejects a key known to another backend but not to this one', () => {
    const error = thrown(() => checkLoadModelOptions({ threads: 2 } as LoadModelOptions, 'plain', {}));
    expect(error.message).toBe("unknown option options.threads of the plain backend's loadModel; known: name, device, cpuThreads");
  });

  it('rejects an unknown key even when its value is undefined, since the caller meant to set something', () => {
    expect(thrown(() => checkLoadModelOptions({ nmae: undefined } as LoadModelOptions, 'test', {})).details).toMatchObject({ option: 'options.nmae' });
  });

  it('cuts a long unknown key to 40 characters in the message', () => {
    const error = thrown(() => checkLoadModelOptions({ ['k'.repeat(5000)]: 1 } as LoadModelOptions, 'test', {}));
    expect(error.message).toContain(`options.${'k'.repeat(40)}… (5000 chars) of`);
    expect(error.message.length).toBeLessThan(200);
  });

  it.each([
    [null, 'test loadModel options must be an object, got null'],
    ['fast', 'test loadModel options must be an object, got "fast"'],
    [[1], 'test loadModel options must be an object, got an array of 1'],
    [7, 'test loadModel options must be an object, got 7'],
  ])('rejects %j with INVALID_INPUT saying options must be an object', (options, message) => {
    const error = thrown(() => checkLoadModelOptions(options as unknown as LoadModelOptions, 'test', {}));
    expect(error.code).toBe('INVALID_INPUT');
    expect(error.message).toBe(message);
    expect(error.details).toEqual({ option: 'options' });
  });

  it.each([[''], [3], [null]])('rejects name %j with INVALID_INPUT naming options.name', (name) => {
    const error = thrown(() => checkLoadModelOptions({ name } as unknown as LoadModelOptions, 'test', {}));
    expect(error.code).toBe('INVALID_INPUT');
    expect(error.message).toContain('options.name must be a non-empty string, got ');
    expect(error.details).toEqual({ option: 'options.name' });
  });

  it.each([
    [0, '0'],
    [1.5, '1.5'],
    ['2', '"2"'],
    [Number.NaN, 'NaN'],
  ])('rejects cpuThreads %j with INVALID_INPUT naming options.cpuThreads and the value', (cpuThreads, shown) => {
    const error = thrown(() => checkLoadModelOptions({ cpuThreads } as unknown as LoadModelOptions, 'test', {}));
    expect(error.code).toBe('INVALID_INPUT');
    expect(error.message).toBe(`options.cpuThreads must be an integer from 1 up, got ${shown}`);
    expect(error.details).toEqual({ option: 'options.cpuThreads' });
  });

  it('accepts cpuThreads from 1 up', () => {
    expect(checkLoadModelOptions({ cpuThreads: 1 }, 'test', {})).toEqual({ cpuThreads: 1 });
    expect(checkLoadModelOptions({ cpuThreads: 64 }, 'test', {})).toEqual({ cpuThreads: 64 });
  });

  it('lists the common options as name, device and cpuThreads, frozen', () => {
    expect(LOAD_MODEL_OPTION_NAMES).toEqual(['name', 'device', 'cpuThreads']);
    expect(Object.isFrozen(LOAD_MODEL_OPTION_NAMES)).toBe(true);
  });
});
