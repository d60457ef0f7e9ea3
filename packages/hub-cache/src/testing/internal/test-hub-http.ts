import type { ServerResponse } from 'node:http';
import type { TestHubFault, TestHubServer } from '../test-hub-types';

// HTTP helpers of the test hub: fault matching, JSON and error answers, ranges, back-pressure.

export function decodePath(pathname: string): string {
  return pathname
    .split('/')
    .map((segment) => decodeURIComponent(segment))
    .join('/');
}

export function matches(fault: TestHubFault, server: TestHubServer, method: string, path: string): boolean {
  const match = fault.match;
  if (!match) return true;
  if (match.server !== undefined && match.server !== server) return false;
  if (match.method !== undefined && match.method.toUpperCase() !== method) return false;
  if (match.path === undefined) return true;
  return typeof match.path === 'string' ? path.includes(match.path) : match.path.test(path);
}

export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text), ...headers });
  res.end(text);
}

export function sendError(res: ServerResponse, status: number, errorCode: string | undefined, message: string, headers: Record<string, string> = {}): void {
  sendJson(res, status, { error: message }, { ...(errorCode ? { 'X-Error-Code': errorCode } : {}), ...headers });
}

/** Parses a single `bytes=` range against `size`; `null` = no range, `'invalid'` = unsatisfiable. */
export function parseRange(header: string | undefined, size: number): { start: number; end: number } | null | 'invalid' {
  if (!header) return null;
  const match = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (!match || (match[1] === '' && match[2] === '')) return 'invalid';
  if (match[1] === '') {
    const suffix = Number(match[2]);
    return { start: Math.max(0, size - suffix), end: size };
  }
  const start = Number(match[1]);
  const end = match[2] === '' ? size : Math.min(size, Number(match[2]) + 1);
  if (start >= size || end <= start) return 'invalid';
  return { start, end };
}

/** Writes `chunk`, waiting for `drain` (or the connection closing) when the socket buffer is full. */
export async function writeChunk(res: ServerResponse, chunk: Uint8Array): Promise<void> {
  if (res.write(chunk)) return;
  await new Promise<void>((resolve) => {
    const finish = (): void => {
      res.off('drain', finish);
      res.off('close', finish);
      resolve();
    };
    res.on('drain', finish);
    res.on('close', finish);
  });
}
