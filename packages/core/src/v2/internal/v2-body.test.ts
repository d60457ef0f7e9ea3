import { describe, expect, it } from 'vitest';
import { thrown } from '../../internal/thrown.fixture';
import { resolveV2Limits } from '../v2-limits';
import { parseJson, splitBody } from './v2-body';

const bytes = (s: string): Uint8Array => new TextEncoder().encode(s);
const limits = resolveV2Limits();

describe('parseJson', () => {
  it('names the source and keeps the SyntaxError as the cause when the text is not JSON', () => {
    const error = thrown(() => parseJson('{x', 'stdin'));
    expect([error.code, error.message]).toEqual(['INVALID_INPUT', "stdin is not valid JSON: Expected property name or '}' in JSON at position 1"]);
    expect(error.cause).toBeInstanceOf(SyntaxError);
    expect(parseJson('{"a":[1]}', 'stdin')).toEqual({ a: [1] });
  });
});

describe('splitBody', () => {
  it('refuses a body that is not bytes, quoting it', () => {
    const error = thrown(() => splitBody('{}' as never, undefined, 'req', limits));
    expect([error.code, error.message]).toEqual(['INVALID_INPUT', 'req: the body must be bytes, got "{}"']);
  });

  it('takes a body of exactly maxRequestBytes and refuses one byte more, naming the limit', () => {
    const small = resolveV2Limits({ maxRequestBytes: 4 });
    expect(splitBody(bytes('[12]'), undefined, 'req', small).json).toEqual([12]);
    const error = thrown(() => splitBody(bytes('[123]'), undefined, 'req', small));
    expect([error.message, error.details]).toEqual([
      'req: body size: 5 is over the limit of 4 (maxRequestBytes; raise it in the v2 limits)',
      { limit: 'maxRequestBytes', max: 4, value: 5 },
    ]);
  });

  it('refuses a header length that is not an integer from 0 to the body length', () => {
    for (const [headerLength, shown] of [
      [-1, '-1'],
      [1.5, '1.5'],
      [5, '5'],
      [Number.NaN, 'NaN'],
    ] as const) {
      const error = thrown(() => splitBody(bytes('{}ab'), headerLength, 'req', limits));
      expect([error.code, error.message]).toEqual(['INVALID_INPUT', `req: Inference-Header-Content-Length ${shown} must be an integer from 0 to the body's 4 bytes`]);
    }
  });

  it('splits the JSON part from the binary data at the header length, up to the whole body', () => {
    const split = splitBody(bytes('{}ab'), 2, 'req', limits);
    expect([split.json, [...split.binary]]).toEqual([{}, [97, 98]]);
    const whole = splitBody(bytes('{}'), 2, 'req', limits);
    expect([whole.json, whole.binary.length]).toEqual([{}, 0]);
    const none = splitBody(bytes('[1]'), undefined, 'req', limits);
    expect([none.json, none.binary.length]).toEqual([[1], 0]);
    const empty = thrown(() => splitBody(bytes('{}ab'), 0, 'req', limits));
    expect(empty.message).toBe('req is not valid JSON: Unexpected end of JSON input');
  });

  it('refuses a JSON part that is not UTF-8, keeping the decoder error as the cause', () => {
    const error = thrown(() => splitBody(new Uint8Array([0x7b, 0xff, 0x7d]), undefined, 'req', limits));
    expect([error.code, error.message]).toEqual(['INVALID_INPUT', 'req: the JSON part is not UTF-8']);
    expect(error.cause).toBeInstanceOf(TypeError);
  });
});
