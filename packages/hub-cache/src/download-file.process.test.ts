import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startTestHub, type TestHub } from '@inferox/hub-cache/testing';

const script = resolve(import.meta.dirname, 'download-file.child.fixture.ts');

interface ChildLine {
  level?: string;
  message?: string;
  result?: string;
  error?: string;
}

function runChild(args: string[], onLine: (line: ChildLine) => void): Promise<{ code: number | null; lines: ChildLine[]; stderr: string }> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', '--conditions=@inferox/source', script, ...args], {
      cwd: import.meta.dirname,
      env: { ...process.env, HF_TOKEN: '', HF_HUB_OFFLINE: '' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const lines: ChildLine[] = [];
    let buffer = '';
    let stderr = '';
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (text: string) => {
      buffer += text;
      for (let end = buffer.indexOf('\n'); end >= 0; end = buffer.indexOf('\n')) {
        const line = JSON.parse(buffer.slice(0, end)) as ChildLine;
        buffer = buffer.slice(end + 1);
        lines.push(line);
        onLine(line);
      }
    });
    child.stderr.on('data', (chunk: Buffer) => void (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolvePromise({ code, lines, stderr }));
  });
}

describe('downloadFile across processes', () => {
  let hub: TestHub | undefined;
  let cacheDir: string | undefined;

  afterEach(async () => {
    await hub?.close();
    if (cacheDir) await rm(cacheDir, { recursive: true, force: true });
  });

  it('makes one GET when two processes download the same file at once', async () => {
    cacheDir = await mkdtemp(join(tmpdir(), 'hub-cache-proc-'));
    const content = new Uint8Array(300_000).map((_, i) => (i * 13) & 0xff);
    let openGate: () => void = () => undefined;
    const gate = new Promise<void>((r) => (openGate = r));
    // The first process's GET is held until the other one reports that it waits for the lock.
    hub = await startTestHub({
      repos: [{ id: 'org/shared', files: { 'weights.bin': content } }],
      faults: [{ match: { server: 'cdn', method: 'GET' }, action: { type: 'delay', until: gate } }],
    });
    const onLine = (line: ChildLine): void => {
      if (line.message === 'waiting for lock') openGate();
    };
    const args = [hub.url, cacheDir, 'org/shared', 'weights.bin'];
    const [a, b] = await Promise.all([runChild(args, onLine), runChild(args, onLine)]);
    expect([a.code, b.code], a.stderr + b.stderr).toEqual([0, 0]);
    const results = [a, b].map((run) => run.lines.find((l) => l.result)?.result);
    expect(results[0]).toBe(results[1]);
    expect(Buffer.compare(await readFile(String(results[0])), content)).toBe(0);
    expect(hub.requests.filter((r) => r.server === 'cdn' && r.method === 'GET')).toHaveLength(1);
    expect([a, b].filter((run) => run.lines.some((l) => l.message === 'waiting for lock'))).toHaveLength(1);
  });
});
