// The consumer check (`npm run consumer-check`, run by .ci/run after the tests): builds the publishable packages,
// `npm pack`s each (its prepack guard and manifest rewrite included), checks what each tarball publishes, then
// installs the tarballs into fresh projects outside the workspace, one per scenario (see scenarios.mjs), typechecks
// and runs a small program in each. Other packages come from the npm cache (--prefer-offline, no audit/fund).
// Options: --skip-build (build only packages whose build output is missing), --keep (leave the temp folder), --only=<text> (scenarios
// whose name contains it). Exits 1 when a step fails that is not marked as an expected failure.
import { spawn } from 'node:child_process';
import { cpSync, existsSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, realpathSync, renameSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { missingTargets, publishedManifest } from '../pack-manifest.mjs';
import { checkPublishedManifest } from './published-manifest.mjs';
import { startScopedRegistry } from './registry.mjs';
import { scenarios } from './scenarios.mjs';

const ROOT = resolve(fileURLToPath(import.meta.url), '../../..');
const TSC = join(ROOT, 'node_modules/typescript/bin/tsc');
const args = process.argv.slice(2);
const skipBuild = args.includes('--skip-build');
const keep = args.includes('--keep');
const only = args.find((a) => a.startsWith('--only='))?.slice('--only='.length);
// Steps that fail today for a reason being fixed elsewhere: [scenario, step] → reason. They still run and are
// reported; one that passes is reported too, so that its mark gets removed.
const EXPECTED_FAILURES = [];
const expectedFailure = (r) => EXPECTED_FAILURES.find((e) => e.scenario === r.scenario && r.what.startsWith(e.step));

/** The environment of a user's shell: none of the npm_* variables `npm run` adds (they carry this repo's config). */
function userEnv(extra = {}) {
  const env = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (/^(npm_|INIT_CWD$|NODE_OPTIONS$|NX_)/i.test(k)) continue;
    env[k] = v;
  }
  return { ...env, npm_config_update_notifier: 'false', ...extra };
}

function run(cmd, argv, { cwd, env = userEnv() } = {}) {
  return new Promise((resolvePromise) => {
    const child = spawn(cmd, argv, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    child.on('error', (error) => resolvePromise({ code: 127, out: out + String(error) }));
    // Colour codes (a tool that colours even into a pipe, as vitest does under CI=true) would split what steps match.
    child.on('close', (code) => resolvePromise({ code: code ?? 1, out: out.replace(/\x1b\[[0-9;]*m/g, '') }));
  });
}

/** Runs `task` over `items`, at most `limit` at a time. */
async function inParallel(items, limit, task) {
  const queue = [...items];
  const worker = async () => {
    for (let next = queue.shift(); next; next = queue.shift()) await task(next);
  };
  await Promise.all(Array.from({ length: limit }, worker));
}

const tail = (text, lines = 15) => text.trim().split('\n').slice(-lines).map((l) => '      ' + l).join('\n');
const started = Date.now();
const seconds = () => ((Date.now() - started) / 1000).toFixed(1) + ' s';
const results = []; // { scenario, what, ok, detail }
// Scenarios run three at a time; each prints its lines when it ends, so their output does not interleave.
const buffers = new Map();
function record(scenario, what, ok, detail = '') {
  results.push({ scenario, what, ok, detail });
  const line = `  ${ok ? 'ok  ' : 'FAIL'} ${what}${ok ? '' : '\n' + tail(detail)}`;
  if (buffers.has(scenario)) buffers.get(scenario).push(line);
  else console.log(line);
}

function publishablePackages() {
  const dirs = readdirSync(join(ROOT, 'packages')).sort();
  return dirs
    .map((dir) => ({ dir: join(ROOT, 'packages', dir), manifest: JSON.parse(readFileSync(join(ROOT, 'packages', dir, 'package.json'), 'utf8')) }))
    .filter(({ manifest }) => manifest.private !== true);
}

/** Copies what a package publishes (plus its pack scripts' helper) to `stage`, so packing never touches the tree. */
function stagePackage(pkgDir, stage) {
  const target = join(stage, 'packages', pkgDir.split('/').at(-1));
  mkdirSync(target, { recursive: true });
  for (const entry of readdirSync(pkgDir)) {
    if (['node_modules', 'src', 'coverage'].includes(entry) || entry.endsWith('.tgz')) continue;
    cpSync(join(pkgDir, entry), join(target, entry), { recursive: true });
  }
  return target;
}

async function pack(packages, work) {
  const stage = join(work, 'stage');
  const tarballs = join(work, 'tarballs');
  mkdirSync(join(stage, 'tools'), { recursive: true });
  mkdirSync(tarballs, { recursive: true });
  for (const f of readdirSync(join(ROOT, 'tools'))) if (f.endsWith('.mjs')) cpSync(join(ROOT, 'tools', f), join(stage, 'tools', f));
  if (existsSync(join(ROOT, 'LICENSE'))) cpSync(join(ROOT, 'LICENSE'), join(stage, 'LICENSE'));
  const packed = new Map();
  console.log(`\n== npm pack (${packages.length} packages)  (${seconds()})`);
  await inParallel(packages, 3, async ({ dir, manifest }) => {
    const staged = stagePackage(dir, stage);
    const { code, out } = await run('npm', ['pack', '--json', '--pack-destination', tarballs], { cwd: staged });
    if (code !== 0) {
      record('npm pack', `${manifest.name} packs`, false, out);
      return;
    }
    const json = JSON.parse(out.slice(out.indexOf('[')));
    const file = join(tarballs, json[0].filename);
    const files = json[0].files.map((f) => f.path);
    const publishedText = (await run('tar', ['-xzOf', file, 'package/package.json'])).out;
    const published = JSON.parse(publishedText);
    const readme = files.includes('README.md') ? (await run('tar', ['-xzOf', file, 'package/README.md'])).out : undefined;
    const problems = checkPublishedManifest(published, files, readme);
    record('npm pack', `${manifest.name} packs (${files.length} files, ${(json[0].size / 1024).toFixed(0)} KiB)`, problems.length === 0, problems.join('\n'));
    packed.set(manifest.name, { manifest: published, file });
  });
  return packed;
}

/** What a contributor meets in the repository itself: npm's config, `npx inferox`, and the prepack guard. */
async function repositoryChecks(work) {
  console.log('\n== repository');
  const config = await run('npm', ['config', 'ls'], { cwd: ROOT });
  const unknown = config.out.split('\n').filter((l) => /Unknown (project|user|env|builtin) config/.test(l));
  record('repository', 'npm prints no unknown-config warning', config.code === 0 && unknown.length === 0, unknown.join('\n') || config.out);
  const { version } = JSON.parse(readFileSync(join(ROOT, 'packages/cli/package.json'), 'utf8'));
  for (const [flag, expect] of [['--version', new RegExp(`^${version.replaceAll('.', '\\.')}\\s*$`)], ['--help', /Usage: inferox/]]) {
    // `--` so npx hands the flag to inferox instead of answering it itself.
    const { code, out } = await run('npx', ['--no', '--', 'inferox', flag], { cwd: ROOT });
    record('repository', `npx inferox ${flag}${code === 0 ? ': ' + out.trim().split('\n')[0] : ''}`, code === 0 && expect.test(out), out);
  }
  const unbuilt = join(work, 'unbuilt/packages/core');
  mkdirSync(join(work, 'unbuilt/tools'), { recursive: true });
  cpSync(join(ROOT, 'tools/pack-manifest.mjs'), join(work, 'unbuilt/tools/pack-manifest.mjs'));
  stagePackage(join(ROOT, 'packages/core'), join(work, 'unbuilt'));
  rmSync(join(unbuilt, 'dist'), { recursive: true, force: true });
  const refused = await run('npm', ['pack', '--dry-run'], { cwd: unbuilt });
  record('repository', 'npm pack of an unbuilt package is refused', refused.code !== 0 && /is not built/.test(refused.out), refused.out);
}

async function installCheck(kind, dir, installOutput) {
  if (kind === 'only-inferox-core') {
    const installed = readdirSync(join(dir, 'node_modules')).filter((e) => !e.startsWith('.'));
    const extra = installed.filter((e) => !['@inferox', '@types', 'undici-types'].includes(e));
    const scoped = readdirSync(join(dir, 'node_modules/@inferox'));
    return { ok: extra.length === 0 && scoped.join() === 'core', detail: `node_modules holds ${installed.join(', ')}; @inferox/${scoped.join(', @inferox/')}` };
  }
  if (kind === 'onnxruntime-quiet') {
    const bad = installOutput.split('\n').filter((l) => /Unknown (project|user|env) config|nuget|Downloading|onnxruntime-node.*(fail|error)/i.test(l));
    return { ok: bad.length === 0, detail: bad.join('\n') };
  }
  if (kind === 'store-outside-project') {
    // pnpm's global virtual store (and a store on another volume) lives outside the project, so resolving a bare name
    // from the engine's real path never walks up into the project's node_modules. Move npm's .store out to match.
    const store = join(dir, 'node_modules/.store');
    const outside = join(dirname(dir), `${dir.split('/').at(-1)}-store`);
    renameSync(store, outside);
    const relink = (folder) => {
      for (const entry of readdirSync(folder)) {
        const path = join(folder, entry);
        if (entry.startsWith('@') && !lstatSync(path).isSymbolicLink()) relink(path);
        else if (lstatSync(path).isSymbolicLink()) {
          const target = resolve(folder, readlinkSync(path));
          if (target.startsWith(store + '/')) {
            rmSync(path);
            symlinkSync(outside + target.slice(store.length), path);
          }
        }
      }
    };
    relink(join(dir, 'node_modules'));
    const engine = realpathSync(join(dir, 'node_modules/@inferox/engine'));
    return { ok: engine.startsWith(outside + '/') && !engine.startsWith(dir + '/'), detail: `the engine resolves to ${engine}` };
  }
  if (kind === 'engine-isolated') {
    // In an isolated layout, the engine's own node_modules has its dependencies only: the backend is not there.
    const engineModules = dirname(dirname(realpathSync(join(dir, 'node_modules/@inferox/engine'))));
    const isolated = engineModules.includes('/.store/') && !existsSync(join(engineModules, '@inferox/onnx-backend'));
    return { ok: isolated, detail: `the engine resolves from ${engineModules}, which is not an isolated store folder without the backend` };
  }
  throw new Error('unknown check ' + kind);
}

async function runScenario(scenario, registry, work, versions) {
  const dir = join(work, scenario.name.replace(/[^a-z0-9]+/gi, '-').toLowerCase());
  mkdirSync(dir, { recursive: true });
  const startedAt = seconds();
  buffers.set(scenario.name, []);
  try {
    await runScenarioSteps(scenario, dir, registry, versions);
  } finally {
    // Removed as soon as it is done (its node_modules are large), while the other scenarios still run.
    if (!keep) await rm(dir, { recursive: true, force: true }).then(() => rm(`${dir}-store`, { recursive: true, force: true }));
    console.log(`\n== ${scenario.name}  (${startedAt} → ${seconds()})\n${buffers.get(scenario.name).join('\n')}`);
    buffers.delete(scenario.name);
  }
}

async function runScenarioSteps(scenario, dir, registry, versions) {
  const registryArgs = [`--@inferox:registry=${registry}`, '--prefer-offline', '--no-audit', '--no-fund', '--loglevel=warn'];
  let install;
  if (scenario.global) {
    install = await run('npm', ['install', '-g', '--prefix', dir, scenario.global, ...registryArgs], { cwd: dir, env: userEnv(scenario.env) });
  } else {
    const pkg = {
      name: 'consumer-' + dir.split('/').at(-1),
      private: true,
      type: scenario.type ?? 'module',
      dependencies: Object.fromEntries(scenario.dependencies.map((n) => [n, '0.1.0'])),
      devDependencies: { '@types/node': versions.typesNode, ...scenario.devDependencies },
      // What the onnx-backend README tells users: onnxruntime-node's install script only downloads the CUDA provider.
      allowScripts: { 'onnxruntime-node': false },
    };
    writeFileSync(join(dir, 'package.json'), JSON.stringify(pkg, null, 2));
    for (const [path, text] of Object.entries(scenario.files ?? {})) {
      mkdirSync(dirname(join(dir, path)), { recursive: true });
      writeFileSync(join(dir, path), text);
    }
    install = await run('npm', ['install', ...registryArgs, ...(scenario.installArgs ?? [])], { cwd: dir });
  }
  record(scenario.name, 'npm install', install.code === 0, install.out);
  if (install.code !== 0) return;
  if (scenario.installCheck) {
    const { ok, detail } = await installCheck(scenario.installCheck, dir, install.out);
    record(scenario.name, `install output (${scenario.installCheck})`, ok, detail);
  }
  // Each README's first TypeScript example, as the installed package ships it: typechecked with the program, then run.
  const steps = [...scenario.steps];
  if (scenario.readmes?.length) cpSync(join(ROOT, 'fixtures/tiny-bert-hf'), join(dir, 'tiny-bert-hf'), { recursive: true });
  for (const name of scenario.readmes ?? []) {
    const readme = readFileSync(join(dir, 'node_modules', name, 'README.md'), 'utf8');
    const example = /```ts\n([\s\S]*?)```/.exec(readme)?.[1];
    const short = name.split('/')[1];
    if (!example) {
      record(scenario.name, `${name} README has a TypeScript example`, false, 'no ```ts block');
      continue;
    }
    writeFileSync(join(dir, 'src', `readme-${short}.ts`), example);
    steps.push({ what: `${name} README example runs and prints`, cmd: ['node', `out/readme-${short}.js`], expect: /\S/, env: { HF_HUB_CACHE: join(dir, 'hf-cache') } });
  }
  for (const step of steps) {
    if (step.check) {
      const { ok, detail } = await installCheck(step.check, dir, install.out);
      record(scenario.name, step.what, ok, detail);
      continue;
    }
    if (step.copyCore) cpSync(join(dir, 'node_modules/@inferox/core'), join(dir, 'vendor/core-copy'), { recursive: true, dereference: true });
    const [cmd, ...argv] = step.cmd;
    const command = cmd === 'tsc' ? [process.execPath, [TSC, ...argv]] : cmd === 'node' ? [process.execPath, argv] : [join(dir, cmd), argv];
    const { code, out } = await run(command[0], command[1], { cwd: dir, env: userEnv(step.env) });
    const ok = code === 0 && (!step.expect || step.expect.test(out));
    const shown = out.trim().split('\n').filter((l) => step.expect?.test(l) || l.startsWith('engine:')).slice(0, 2).join(' | ');
    record(scenario.name, step.what + (ok && step.expect ? `: ${shown.slice(0, 160)}` : ''), ok, out || `exit ${code}`);
  }
}

async function main() {
  const packages = publishablePackages();
  // --skip-build: build only the packages whose build output is missing (after `npm test`, none).
  const toBuild = skipBuild ? packages.filter(({ dir, manifest }) => missingTargets(publishedManifest(manifest), dir).length > 0) : packages;
  if (toBuild.length > 0) {
    console.log(`== build ${toBuild.map((p) => p.manifest.name).join(', ')}`);
    const { code, out } = await run(join(ROOT, 'node_modules/.bin/nx'), ['run-many', '-t', 'build', '-p', ...toBuild.map((p) => p.manifest.name)], {
      cwd: ROOT,
      env: { ...process.env, NX_DAEMON: 'false' },
    });
    if (code !== 0) {
      console.log(tail(out, 40));
      console.log('consumer check: the build failed');
      process.exit(1);
    }
  }
  const work = mkdtempSync(join(tmpdir(), 'inferox-consumer-'));
  const versions = { typesNode: JSON.parse(readFileSync(join(ROOT, 'node_modules/@types/node/package.json'), 'utf8')).version };
  let registry;
  try {
    await repositoryChecks(work);
    const packed = await pack(packages, work);
    registry = await startScopedRegistry(packed);
    const fixture = join(ROOT, 'fixtures/tiny-bert-hf');
    const chosen = scenarios({ fixture }).filter((s) => !only || s.name.includes(only));
    // Installs wait on disk and the cache more than on the two cores, so three scenarios run at a time.
    await inParallel(chosen, 3, (scenario) => runScenario(scenario, registry.url, work, versions));
  } finally {
    await registry?.close();
    if (keep) console.log(`\nkept ${work}`);
    else rmSync(work, { recursive: true, force: true });
  }
  let unexpected = 0;
  console.log(`\n== consumer check summary (${seconds()})`);
  for (const r of results.filter((x) => !x.ok)) {
    const expected = expectedFailure(r);
    console.log(`  ${expected ? 'expected failure' : 'FAILED'}: ${r.scenario}: ${r.what}${expected ? ` (${expected.reason})` : ''}`);
    if (!expected) unexpected += 1;
  }
  for (const r of results.filter((x) => x.ok && expectedFailure(x))) {
    console.log(`  now passing, remove its expected-failure mark in run.mjs: ${r.scenario}: ${r.what}`);
  }
  const passed = results.filter((r) => r.ok).length;
  console.log(`consumer check: ${passed} of ${results.length} steps passed, ${unexpected} unexpected failure(s)`);
  process.exit(unexpected > 0 ? 1 : 0);
}

await main();
