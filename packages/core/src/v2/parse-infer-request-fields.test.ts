import { describe, expect, it } from 'vitest';
import { thrown } from '../internal/thrown.fixture';
import { decodeInferRequest, parseInferRequest, parseInferRequestText } from './parse-infer-request';

const x = { name: 'x', datatype: 'INT32', shape: [1], data: [7] };
const errorOf = (body: Record<string, unknown>, limits = {}) => thrown(() => parseInferRequest({ inputs: [x], ...body }, { limits }));

describe('parseInferRequest request fields', () => {
  it("names the source in messages, 'request' by default, in each entry point", () => {
    expect(thrown(() => parseInferRequest({ inputs: [] })).message).toBe('request: "inputs" is empty');
    expect(thrown(() => parseInferRequest({ inputs: [] }, { source: 'a.json' })).message).toBe('a.json: "inputs" is empty');
    expect(thrown(() => parseInferRequestText('{"inputs":[]}')).message).toBe('request: "inputs" is empty');
    expect(thrown(() => parseInferRequestText('{"inputs":[]}', { source: 'stdin' })).message).toBe('stdin: "inputs" is empty');
    const body = new TextEncoder().encode('{"inputs":[]}');
    expect(thrown(() => decodeInferRequest(body)).message).toBe('request: "inputs" is empty');
    expect(thrown(() => decodeInferRequest(body, { source: 'http' })).message).toBe('http: "inputs" is empty');
    const notJson = new TextEncoder().encode('{');
    expect(thrown(() => decodeInferRequest(notJson)).message).toBe("request is not valid JSON: Expected property name or '}' in JSON at position 1");
    expect(thrown(() => decodeInferRequest(notJson, { source: 'http' })).message).toBe("http is not valid JSON: Expected property name or '}' in JSON at position 1");
  });

  it('takes maxInputs inputs and refuses one more, naming the limit', () => {
    const y = { ...x, name: 'y' };
    expect(Object.keys(parseInferRequest({ inputs: [x, y] }, { limits: { maxInputs: 2 } }).feeds)).toEqual(['x', 'y']);
    const error = thrown(() => parseInferRequest({ inputs: [x, y, { ...x, name: 'z' }] }, { limits: { maxInputs: 2 } }));
    expect([error.message, error.details]).toEqual([
      'request: number of inputs: 3 is over the limit of 2 (maxInputs; raise it in the v2 limits)',
      { limit: 'maxInputs', max: 2, value: 3 },
    ]);
  });

  it('takes an id of maxNameLength characters, refuses a longer one or one that is not a string', () => {
    expect(parseInferRequest({ inputs: [x], id: 'abc' }, { limits: { maxNameLength: 3 } }).id).toBe('abc');
    const long = errorOf({ id: 'abcd' }, { maxNameLength: 3 });
    expect([long.message, long.details]).toEqual([
      'request: "id" length: 4 is over the limit of 3 (maxNameLength; raise it in the v2 limits)',
      { limit: 'maxNameLength', max: 3, value: 4 },
    ]);
    expect(errorOf({ id: 5 }).message).toBe('request: "id" must be a string, got 5');
  });

  it('refuses parameters that are not an object and a binary_data_output that is not a boolean', () => {
    expect(errorOf({ parameters: [1] }).message).toBe('request: "parameters" must be an object, got an array of 1');
    const error = errorOf({ parameters: { binary_data_output: 'yes' } });
    expect([error.code, error.message, error.details]).toEqual(['INVALID_INPUT', 'request: "parameters.binary_data_output" must be true or false, got "yes"', {}]);
  });

  it('has no id key without an id, no outputs without "outputs", and parameters as given', () => {
    const parsed = parseInferRequest({ inputs: [x], parameters: { binary_data_output: true, k: 1 } });
    expect('id' in parsed).toBe(false);
    expect([parsed.outputs, parsed.parameters, parsed.binaryDataOutput, parsed.elements]).toEqual([[], { binary_data_output: true, k: 1 }, true, 1]);
  });
});

describe('parseInferRequest outputs', () => {
  it('reads each output with its own binary_data, else the request default', () => {
    const parsed = parseInferRequest({
      inputs: [x],
      parameters: { binary_data_output: true },
      outputs: [{ name: 'a' }, { name: 'b', parameters: { binary_data: false } }],
    });
    expect(parsed.outputs).toEqual([
      { name: 'a', binary: true },
      { name: 'b', binary: false },
    ]);
  });

  it('takes maxOutputs outputs and refuses one more, naming the limit', () => {
    expect(parseInferRequest({ inputs: [x], outputs: [{ name: 'a' }] }, { limits: { maxOutputs: 1 } }).outputs).toEqual([{ name: 'a', binary: false }]);
    const error = errorOf({ outputs: [{ name: 'a' }, { name: 'b' }] }, { maxOutputs: 1 });
    expect([error.message, error.details]).toEqual([
      'request: number of outputs: 2 is over the limit of 1 (maxOutputs; raise it in the v2 limits)',
      { limit: 'maxOutputs', max: 1, value: 2 },
    ]);
  });

  it('refuses each bad output with its message and details', () => {
    const cases: [unknown, string, Record<string, unknown>][] = [
      ['a', 'request: "outputs" must be an array, got "a"', {}],
      [[1], 'request: outputs[0] must be an object, got 1', {}],
      [[{ name: 'a' }, { name: '' }], 'request: outputs[1] needs a non-empty "name" string, got ""', {}],
      [[{ name: 'a' }, { name: 'a' }], 'request: output "a" is asked for twice', { name: 'a' }],
      [[{ name: 'a', parameters: 3 }], 'request: output "a": "parameters" must be an object', { name: 'a' }],
      [[{ name: 'a', parameters: { binary_data: 1 } }], 'request: output "a": parameters.binary_data must be true or false, got 1', { name: 'a' }],
    ];
    for (const [outputs, message, details] of cases) {
      const error = errorOf({ outputs });
      expect([error.code, error.message, error.details]).toEqual(['INVALID_INPUT', message, details]);
    }
  });
});

describe('parseInferRequestText', () => {
  it('refuses a body that is not text, and text over maxRequestBytes; takes text of exactly the limit', () => {
    const error = thrown(() => parseInferRequestText(5 as never));
    expect([error.code, error.message]).toEqual(['INVALID_INPUT', 'request: the body must be text, got 5']);
    const text = JSON.stringify({ inputs: [x] });
    expect(parseInferRequestText(text, { limits: { maxRequestBytes: text.length } }).elements).toBe(1);
    const over = thrown(() => parseInferRequestText(text, { limits: { maxRequestBytes: text.length - 1 } }));
    expect([over.message, over.details]).toEqual([
      `request: body size: ${text.length} is over the limit of ${text.length - 1} (maxRequestBytes; raise it in the v2 limits)`,
      { limit: 'maxRequestBytes', max: text.length - 1, value: text.length },
    ]);
  });
});
