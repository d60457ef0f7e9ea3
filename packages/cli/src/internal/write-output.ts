import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { ErrorCode, InferoxError } from '@inferox/core';

const shown = (path: string): string => JSON.stringify(path.length > 200 ? `${path.slice(0, 200)}…` : path);

/**
 * Checks that `path` can be created as a file: its folder exists and is a folder, and it is not itself a folder.
 * Run before the model is loaded so a wrong `--output` fails at once.
 *
 * @throws InferoxError `INVALID_INPUT` naming the path and what is wrong with it.
 */
export async function checkOutputPath(path: string, flag = '--output'): Promise<void> {
  const target = await stat(path).catch((error: NodeJS.ErrnoException) => error);
  if (!(target instanceof Error)) {
    if (target.isDirectory()) throw new InferoxError(ErrorCode.INVALID_INPUT, `${flag} ${shown(path)} is a folder; give a file path`, { details: { path } });
    return;
  }
  if (target.code === 'ENOTDIR') throw notUnderFolder(path, flag, target);
  const parent = await stat(dirname(resolve(path))).catch((error: NodeJS.ErrnoException) => error);
  if (parent instanceof Error) {
    if (parent.code === 'ENOTDIR') throw notUnderFolder(path, flag, parent);
    throw new InferoxError(ErrorCode.INVALID_INPUT, `${flag} ${shown(path)}: its folder does not exist (${parent.code ?? parent.message})`, { cause: parent, details: { path } });
  }
  if (!parent.isDirectory()) throw notUnderFolder(path, flag);
}

function notUnderFolder(path: string, flag: string, cause?: unknown): InferoxError {
  return new InferoxError(ErrorCode.INVALID_INPUT, `${flag} ${shown(path)} is under a file, not a folder`, { cause, details: { path } });
}

/**
 * Writes `chunks` to the file at `path` as a stream, waiting for the disk when it falls behind, so a large body is
 * never held as one string.
 *
 * @throws InferoxError `INVALID_INPUT` naming the path when it cannot be written (a folder, under a file, no access).
 */
export async function writeChunks(path: string, chunks: Iterable<string | Uint8Array>, flag = '--output'): Promise<void> {
  const stream = createWriteStream(path);
  // `once` rejects with the stream's error while it waits; between waits, `errored` holds it (and this listener
  // keeps an error emitted then from being uncaught).
  stream.on('error', () => undefined);
  try {
    for (const chunk of chunks) {
      if (stream.errored) throw stream.errored;
      if (!stream.write(chunk)) await once(stream, 'drain');
    }
    stream.end();
    await once(stream, 'finish');
  } catch (error) {
    if (error instanceof InferoxError) throw error;
    throw new InferoxError(ErrorCode.INVALID_INPUT, `cannot write ${flag} ${shown(path)}: ${(error as Error).message}`, { cause: error, details: { path } });
  } finally {
    stream.destroy();
  }
}
