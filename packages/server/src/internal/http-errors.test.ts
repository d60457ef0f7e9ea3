import { InferoxError } from '@inferox/core';
import { describe, expect, it } from 'vitest';
import { HttpError, classify, clientMessage, errorReply } from './http-errors';

describe('clientMessage', () => {
  it('keeps one line, replaces host paths with their last segment and cuts long messages', () => {
    expect(clientMessage('cannot read /home/me/models/bert/model.onnx: ENOENT\n    at open (node:fs)')).toBe('cannot read <path>/model.onnx: ENOENT');
    expect(clientMessage('C:\\Users\\me\\m.onnx failed')).toBe('<path>/m.onnx failed');
    expect(clientMessage('x'.repeat(600))).toHaveLength(501);
  });
});

describe('errorReply', () => {
  it.each([
    ['INVALID_INPUT', 400],
    ['MODEL_NOT_FOUND', 404],
    ['QUEUE_FULL', 429],
    ['TIMEOUT', 504],
    ['DEADLINE_EXCEEDED', 504],
    ['SHUT_DOWN', 503],
    ['BACKEND_UNAVAILABLE', 503],
    ['BACKEND_ERROR', 500],
    ['HUB_ERROR', 502],
  ] as const)('maps %s to %i in every protocol shape', (code, status) => {
    const error = new InferoxError(code, 'what happened');
    expect(errorReply(error, 'v2')).toMatchObject({ status, body: { error: 'what happened', code } });
    expect(errorReply(error, 'tei').body).toMatchObject({ error: 'what happened' });
    expect(errorReply(error, 'openai').body).toMatchObject({ error: { message: 'what happened', code: code.toLowerCase() } });
  });

  it('adds Retry-After to 429 and SHUT_DOWN, and WWW-Authenticate to 401', () => {
    expect(errorReply(new InferoxError('QUEUE_FULL', 'full'), 'tei')).toMatchObject({ headers: { 'retry-after': '1' }, body: { error_type: 'Overloaded' } });
    expect(errorReply(new InferoxError('SHUT_DOWN', 'bye'), 'v2').headers).toEqual({ 'retry-after': '1' });
    expect(errorReply(new HttpError(401, 'key', 'UNAUTHORIZED'), 'openai')).toMatchObject({ status: 401, headers: { 'www-authenticate': 'Bearer' }, body: { error: { type: 'authentication_error' } } });
  });

  it('classifies framework errors by their status and hides anything else behind a generic 500', () => {
    expect(classify({ statusCode: 413, message: 'Request body is too large' })).toEqual({ status: 413, code: 'PAYLOAD_TOO_LARGE', message: 'Request body is too large' });
    expect(classify({ statusCode: 415, message: 'Unsupported Media Type' }).code).toBe('UNSUPPORTED_MEDIA_TYPE');
    expect(classify({ statusCode: 400, message: 'body/input must be string' })).toMatchObject({ status: 400, code: 'INVALID_INPUT' });
    expect(classify(new TypeError('secret at /srv/app/x.js'))).toEqual({ status: 500, code: 'INTERNAL', message: 'internal server error' });
    expect(classify({ code: 'TIMEOUT', message: 'from a worker' })).toMatchObject({ status: 504, code: 'TIMEOUT' });
    expect(errorReply(new TypeError('x'), 'tei').body).toEqual({ error: 'internal server error', error_type: 'Backend' });
    expect(errorReply(new TypeError('x'), 'openai').body).toMatchObject({ error: { type: 'server_error' } });
  });
});
