// A pack run in a child process, for the kill test: it reports the temp folder, then holds the pack after the
// first copied file until the parent kills it. Run with: node --import tsx --conditions=@inferox/source.
import { pack } from '@inferox/mlpkg';

const [source, out] = process.argv.slice(2);
const keepAlive = setInterval(() => {}, 1 << 30);
await pack(source, out, {
  onProgress: async (event) => {
    if (event.kind === 'temp-created') process.stdout.write(`TEMP ${event.tempDir}\n`);
    if (event.kind === 'file-copied') {
      process.stdout.write(`COPIED ${event.path}\n`);
      await new Promise(() => {});
    }
  },
});
clearInterval(keepAlive);
