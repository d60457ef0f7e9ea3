/** What `npm run bench -- ...` was asked to do. */
export interface BenchArgs {
  /** Smaller sizes and fewer rounds (about a minute or two). */
  readonly quick: boolean;
  /** Scenario ids or numbers to run (every scenario when absent). */
  readonly only?: readonly string[];
  /** Where results go. */
  readonly outDir: string;
  /**
   * Whether to rewrite the root README's bench section (default: on full runs of every scenario only: quick numbers are
   * rough, and a run of some scenarios would leave the README with only theirs).
   */
  readonly updateReadme: boolean;
  /** `onnxruntime` intra-op threads of every session (Inferox and baselines alike). */
  readonly threads: number;
  readonly help: boolean;
}

/** The usage text printed by `--help` and with argument errors. */
export const USAGE = `Usage: npm run bench -- [options]

  --quick            smaller sizes and fewer rounds (a pass of a minute or two)
  --only <ids>       comma-separated scenario ids or numbers (e.g. --only 1,overhead)
  --out <dir>        where results are written (default: benches/results)
  --threads <n>      onnxruntime intra-op threads per session, for every side (default: 1)
  --readme           rewrite the root README's bench section (default on full runs of every scenario)
  --no-readme        leave the README alone (default on --quick and --only)
  --help             this text`;

/**
 * Parses the bench command line (`--flag value` or `--flag=value`).
 *
 * @param argv - the arguments after the script name.
 * @param defaults - the output folder to use when `--out` is absent.
 * @throws Error naming the unknown flag, the flag missing its value, or the bad value.
 */
export function parseBenchArgs(argv: readonly string[], defaults: { outDir: string }): BenchArgs {
  let quick = false;
  let help = false;
  let only: string[] | undefined;
  let outDir = defaults.outDir;
  let readme: boolean | undefined;
  let threads = 1;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const eq = arg.indexOf('=');
    const flag = arg.startsWith('--') && eq > 0 ? arg.slice(0, eq) : arg;
    const inline = arg.startsWith('--') && eq > 0 ? arg.slice(eq + 1) : undefined;
    const value = (): string => {
      const v = inline ?? argv[++i];
      if (v === undefined || v === '' || (inline === undefined && v.startsWith('--'))) throw new Error(`${flag} needs a value`);
      return v;
    };
    switch (flag) {
      case '--quick':
        quick = true;
        break;
      case '--help':
      case '-h':
        help = true;
        break;
      case '--only':
        only = value()
          .split(',')
          .map((s) => s.trim())
          .filter(Boolean);
        if (only.length === 0) throw new Error('--only needs at least one scenario id');
        break;
      case '--out':
        outDir = value();
        break;
      case '--threads': {
        const v = value();
        threads = Number(v);
        if (!Number.isInteger(threads) || threads < 1 || threads > 64) throw new Error(`--threads must be an integer from 1 to 64, got ${JSON.stringify(v)}`);
        break;
      }
      case '--readme':
        readme = true;
        break;
      case '--no-readme':
        readme = false;
        break;
      default:
        throw new Error(`unknown argument ${JSON.stringify(arg)}`);
    }
  }
  return { quick, help, outDir, threads, updateReadme: readme ?? (!quick && !only), ...(only ? { only } : {}) };
}
