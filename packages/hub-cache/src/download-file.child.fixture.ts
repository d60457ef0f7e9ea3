// Test helper run by download-file.process.test.ts in a child process: downloads one file and prints JSON lines
// (log lines, then the result) on stdout. Usage: node --import tsx --conditions=@inferox/source download-file.child.fixture.ts
// <endpoint> <cacheDir> <repo> <path>
import process from 'node:process';
import type { Logger } from '@inferox/core';
import { downloadFile } from '@inferox/hub-cache';

const [endpoint, cacheDir, repo, path] = process.argv.slice(2) as [string, string, string, string];
const print = (line: unknown): void => void process.stdout.write(`${JSON.stringify(line)}\n`);
const log = (level: string) => (message: string, fields?: Record<string, unknown>) => print({ level, message, fields });
const logger: Logger = { debug: log('debug'), info: log('info'), warn: log('warn'), error: log('error') };

try {
  const result = await downloadFile(repo, path, { endpoint, cacheDir, token: false, logger, retryBaseDelayMs: 1 });
  print({ result });
} catch (error) {
  print({ error: String(error) });
  process.exitCode = 1;
}
