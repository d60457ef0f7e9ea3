#!/usr/bin/env node
// The `inferox` command. Installed from npm it runs the build (dist/bin.js). In a clone of the repository after
// `npm ci` (nothing built yet) it runs the TypeScript sources through tsx with the @inferox/source condition, so
// `npx inferox --help` works before `npm run build`; without tsx it says what to do.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const built = new URL('../dist/bin.js', import.meta.url);
const source = new URL('../src/bin.ts', import.meta.url);

if (existsSync(built)) {
  await import(built.href);
} else if (existsSync(source)) {
  let tsx;
  try {
    tsx = import.meta.resolve('tsx');
  } catch {
    console.error('inferox: not built (dist/bin.js is missing) and tsx is not installed to run the sources. Run `npm ci` then `npm run build` at the repository root.');
    process.exit(1);
  }
  const child = spawn(process.execPath, ['--import', tsx, '--conditions=@inferox/source', fileURLToPath(source), ...process.argv.slice(2)], { stdio: 'inherit' });
  // Signals sent to this shim (a process manager's SIGTERM, say) go to the command it runs, so `inferox serve`
  // shuts down cleanly instead of being orphaned.
  for (const signal of ['SIGTERM', 'SIGINT', 'SIGHUP']) process.on(signal, () => child.kill(signal));
  child.on('error', (error) => {
    console.error(`inferox: could not start the sources: ${error.message}`);
    process.exit(1);
  });
  child.on('exit', (code, signal) => process.exit(code ?? (signal ? 128 + (signal === 'SIGINT' ? 2 : signal === 'SIGHUP' ? 1 : 15) : 1)));
} else {
  console.error('inferox: dist/bin.js is missing from @inferox/cli; reinstall the package.');
  process.exit(1);
}
