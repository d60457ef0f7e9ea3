/** Work a child process does on its own, so that its RSS is its own. */
export type ChildTask =
  | { readonly kind: 'load'; readonly side: 'ort' | 'inferox'; readonly onnxPath: string; readonly threads: number; readonly seq: number }
  | { readonly kind: 'cycles'; readonly side: 'ort' | 'inferox'; readonly onnxPath: string; readonly threads: number; readonly seq: number; readonly cycles: number }
  | {
      readonly kind: 'download';
      readonly downloader: 'inferox' | 'hf-hub' | 'fetch';
      readonly endpoint: string;
      readonly repo: string;
      readonly path: string;
      /** The cache folder (hub-cache, @huggingface/hub) or the target file (fetch). */
      readonly target: string;
    };

/** The line prefix a child's result is printed after (JSON). */
export const RESULT_MARKER = '@@bench-result ';

/**
 * The result a child printed: the JSON after the last {@link RESULT_MARKER} line of its stdout.
 *
 * @throws Error when no such line exists or its JSON does not parse.
 */
export function parseChildResult(stdout: string): unknown {
  const line = stdout
    .split('\n')
    .reverse()
    .find((l) => l.startsWith(RESULT_MARKER));
  if (line === undefined) throw new Error(`the child printed no result line; its output ended with: ${stdout.slice(-500)}`);
  return JSON.parse(line.slice(RESULT_MARKER.length)) as unknown;
}
