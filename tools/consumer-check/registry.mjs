// A registry for one scope on 127.0.0.1: serves the packed @inferox tarballs so temp projects install them exactly as
// users do (`npm install @inferox/engine`, `npm install -g @inferox/cli`), while every other package comes from the
// npm cache or the real registry. Only the scope is routed here (`--@inferox:registry=<url>`).
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';

/**
 * @param packages - name → { manifest (the packed package.json), file (the .tgz) }
 * @returns `{ url, close }`
 */
export async function startScopedRegistry(packages) {
  const tarballs = new Map();
  for (const [name, { manifest, file }] of packages) {
    const bytes = readFileSync(file);
    tarballs.set(name, {
      manifest,
      bytes,
      integrity: 'sha512-' + createHash('sha512').update(bytes).digest('base64'),
      shasum: createHash('sha1').update(bytes).digest('hex'),
    });
  }
  const server = createServer((req, res) => {
    const path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname).slice(1);
    const tarball = /^(@inferox\/[^/]+)\/-\/.+\.tgz$/.exec(path);
    if (tarball && tarballs.has(tarball[1])) {
      res.writeHead(200, { 'content-type': 'application/octet-stream' }).end(tarballs.get(tarball[1]).bytes);
      return;
    }
    const entry = tarballs.get(path);
    if (!entry) {
      res.writeHead(404, { 'content-type': 'application/json' }).end('{"error":"not found"}');
      return;
    }
    const { manifest } = entry;
    const base = `http://${req.headers.host}/${manifest.name}/-/${manifest.name.split('/')[1]}-${manifest.version}.tgz`;
    const doc = {
      name: manifest.name,
      'dist-tags': { latest: manifest.version },
      versions: { [manifest.version]: { ...manifest, _id: `${manifest.name}@${manifest.version}`, dist: { tarball: base, integrity: entry.integrity, shasum: entry.shasum } } },
    };
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(doc));
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address();
  return {
    url: `http://127.0.0.1:${port}/`,
    close: () => new Promise((resolve) => server.close(resolve)),
  };
}
