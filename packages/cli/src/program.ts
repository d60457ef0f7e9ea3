import { Command, CommanderError } from 'commander';
import type { Action } from './action';
import { type CliIO, processIO } from './cli-io';
import { registerCommands } from './commands/index';
import { cliVersion } from './internal/cli-version';
import { formatError } from './internal/format-error';

/** Exit codes: 0 success, 1 the command failed, 2 the command line was wrong. */
export const ExitCode = { OK: 0, FAILED: 1, USAGE: 2 } as const;


/**
 * Runs the `inferox` command line and returns the exit code (it never calls `process.exit`).
 *
 * @param argv - the arguments after the program name.
 */
export async function runCli(argv: readonly string[], io: CliIO = processIO()): Promise<number> {
  let exitCode: number = ExitCode.OK;
  const program = new Command('inferox')
    .description('Run, package and fetch ML models on onnxruntime-node and TensorFlow.js.')
    .version(cliVersion(), '-V, --version', 'print the version of @inferox/cli')
    .option('--verbose', 'print stack traces and causes on errors')
    .exitOverride()
    .configureOutput({ writeOut: io.stdout, writeErr: io.stderr, outputError: (text, write) => write(text) })
    .showHelpAfterError('(run inferox --help for usage)');

  const wrap =
    <A extends unknown[]>(action: Action<A>) =>
    async (...args: A): Promise<void> => {
      try {
        await action(io, ...args);
      } catch (error) {
        io.stderr(`${formatError(error, Boolean(program.opts().verbose))}\n`);
        exitCode = ExitCode.FAILED;
      }
    };

  registerCommands(program, wrap);

  try {
    await program.parseAsync([...argv], { from: 'user' });
  } catch (error) {
    if (error instanceof CommanderError) {
      const benign = error.code === 'commander.helpDisplayed' || error.code === 'commander.version' || error.code === 'commander.help';
      return benign ? ExitCode.OK : ExitCode.USAGE;
    }
    io.stderr(`${formatError(error, Boolean(program.opts().verbose))}\n`);
    return ExitCode.FAILED;
  }
  return exitCode;
}
