/**
 * @packageDocumentation
 * The `inferox` command line: `run`, `pack`, `verify`, `pull`, `cache scan|prune`, `backends`. {@link runCli} runs it
 * in-process and returns the exit code (0 ok, 1 failed, 2 usage error).
 */
export { ExitCode, runCli } from './program';
export type { Action } from './action';
export type { CliIO } from './cli-io';
export { processIO } from './cli-io';
