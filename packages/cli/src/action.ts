import type { CliIO } from './cli-io';

/** A command's action: does the work, writes through `io`, throws on failure. */
export type Action<A extends unknown[]> = (io: CliIO, ...args: A) => Promise<void>;
