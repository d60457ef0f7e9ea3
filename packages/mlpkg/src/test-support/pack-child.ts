// A pack run in a child process, for the kill test: it reports the temp folder, then holds the pack after the
// first copied file until the parent kills it. Run with: node --import tsx --conditions=@inferox/source.
import { packModel } from '@inferox/mlpkg';

const [source, out] = process.argv.slice(2) as [string, string];
const keepAlive = setInterval(() => {}, 1 << 30);
await packModel(source, out, {
  onProgress: async (event) => {
    if (event.kind === 'temp-created') process.stdout.write(`TEMP ${event.tempDir}\n`);
    if (event.kind === 'file-copied') {
      process.stdout.write(`COPIED ${event.path}\n`);
      await new Promise(() => {});
    }
  },
});
clearInterval(keepAlive);
