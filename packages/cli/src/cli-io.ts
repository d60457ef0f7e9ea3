import { ErrorCode, InferoxError } from '@inferox/core';

/** Where the CLI reads and writes; tests hand in their own. */
export interface CliIO {
  /** Writes text to standard output; large bodies arrive as many calls, one chunk each. */
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  /**
   * The whole of standard input.
   *
   * @param maxBytes - refuse (`INVALID_INPUT`, naming `maxRequestBytes`) once more than this has arrived.
   */
  readonly readStdin: (maxBytes?: number) => Promise<string>;
  /** Whether stderr is a terminal (progress bars) or a pipe/file (plain lines). */
  readonly isTTY: boolean;
}

/** The process's own streams. */
export function processIO(): CliIO {
  return {
    stdout: (text) => void process.stdout.write(text),
    stderr: (text) => void process.stderr.write(text),
    readStdin: async (maxBytes = Number.POSITIVE_INFINITY) => {
      const chunks: Buffer[] = [];
      let size = 0;
      for await (const chunk of process.stdin) {
        size += (chunk as Buffer).length;
        if (size > maxBytes) {
          throw new InferoxError(ErrorCode.INVALID_INPUT, `stdin: more than ${maxBytes} bytes is over the limit (maxRequestBytes; raise it with --max-request-size)`, {
            details: { limit: 'maxRequestBytes', max: maxBytes },
          });
        }
        chunks.push(chunk as Buffer);
      }
      return Buffer.concat(chunks).toString('utf8');
    },
    isTTY: Boolean(process.stderr.isTTY),
  };
}
