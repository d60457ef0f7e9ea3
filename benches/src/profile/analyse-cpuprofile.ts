/**
 * Summarises a V8 `.cpuprofile` for issue 19: self and total (inclusive) time by function and by file, aggregated
 * over all samples, in µs per call. Samples under onnxruntime's native `run` are reported as one bucket (both sides
 * pay it); everything else is split by the owning area so the engine's own cost per call can be read off.
 *
 *   npx tsx src/profile/analyse-cpuprofile.ts <file.cpuprofile> <calls per side> [top=25]
 */
import { readFileSync } from 'node:fs';

interface CallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
}
interface ProfileNode {
  id: number;
  callFrame: CallFrame;
  children?: number[];
}
interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

/** Short `file:line` for a frame: path from `packages/`, `node_modules/` or `node:` on. */
export function where(frame: CallFrame): string {
  const url = frame.url.replace(/^file:\/\//, '');
  const m = /(packages\/.*|node_modules\/.*|benches\/.*|node:.*)$/.exec(url);
  const file = m ? m[1]!.replace(/^node_modules\//, '') : url || '(native)';
  return `${file}:${frame.lineNumber + 1}`;
}

/** The area a frame belongs to, for the per-area table. */
export function area(frame: CallFrame): string {
  const u = frame.url;
  const pkg = /packages\/([^/]+)\/src\/(.*?)(?:[^/]+)$/.exec(u);
  if (pkg) return `@inferox/${pkg[1]}/${pkg[2]}`.replace(/\/$/, '');
  if (u.includes('onnxruntime-common')) return 'onnxruntime-common (js)';
  if (u.includes('onnxruntime-node')) return 'onnxruntime-node (js)';
  if (u.includes('prom-client')) return 'prom-client';
  if (u.includes('benches/')) return 'bench driver';
  if (u.startsWith('node:')) return 'node internals';
  if (u.includes('node_modules')) return u.replace(/^.*node_modules\/((?:@[^/]+\/)?[^/]+).*$/, '$1');
  return frame.functionName.startsWith('(') ? frame.functionName : '(native / builtins)';
}

function main(): void {
  const [file, callsArg, topArg] = process.argv.slice(2);
  if (!file || !callsArg) throw new Error('usage: analyse-cpuprofile.ts <file.cpuprofile> <calls per side> [top]');
  const calls = Number(callsArg);
  const top = Number(topArg ?? 25);
  const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);

  const self = new Map<string, number>();
  const total = new Map<string, number>();
  const areaSelf = new Map<string, number>();
  const bucket = new Map<string, number>();
  const engineFn = new Map<string, number>();
  const engineFile = new Map<string, number>();
  const engineLeafArea = new Map<string, number>();
  const enginePair = new Map<string, number>();
  const add = (m: Map<string, number>, k: string, v: number): void => void m.set(k, (m.get(k) ?? 0) + v);
  for (let i = 0; i < profile.samples.length; i++) {
    const us = profile.timeDeltas[i + 1] ?? 0;
    const leaf = byId.get(profile.samples[i]!)!;
    const stack: CallFrame[] = [];
    for (let id: number | undefined = leaf.id; id !== undefined; id = parent.get(id)) stack.push(byId.get(id)!.callFrame);
    // The native run of onnxruntime (both sides): a native leaf under onnxruntime-node's backend.
    const inOrtRun = stack.some((f) => /onnxruntime-node\/dist\/backend/.test(f.url));
    const leafName = leaf.callFrame.functionName;
    const b = leafName === '(idle)' ? 'idle' : leafName === '(garbage collector)' ? 'gc' : leafName === '(program)' ? 'program' : inOrtRun && !leaf.callFrame.url ? 'ort native run' : 'js';
    add(bucket, b, us);
    // The engine's own cost: samples with an @inferox frame on the stack and not inside the shared
    // `session.run` (onnxruntime-common's run and everything under it, which the raw side pays too).
    // Each is charged to the deepest @inferox frame (so node/prom-client callees count to their caller).
    const shared = stack.some((f) => /onnxruntime-common\/dist\/cjs\/inference-session-impl/.test(f.url) || /onnxruntime-node\/dist\/backend/.test(f.url));
    const owner = stack.find((f) => f.url.includes('/packages/'));
    if (owner && !shared && b === 'js') {
      add(bucket, 'js: @inferox own (not under session.run)', us);
      add(engineFn, `${owner.functionName || '(anonymous)'} ${where(owner).replace(/:\d+$/, '')}`, us);
      add(engineFile, where(owner).replace(/:\d+$/, ''), us);
      add(engineLeafArea, area(leaf.callFrame), us);
      if (leaf.callFrame !== owner) add(enginePair, `${owner.functionName || '(anonymous)'} → ${leaf.callFrame.functionName || '(anonymous)'} ${where(leaf.callFrame)}`, us);
    }
    if (b !== 'js' && b !== 'gc') continue;
    const key = (f: CallFrame): string => `${f.functionName || '(anonymous)'} ${where(f)}`;
    add(self, key(leaf.callFrame), us);
    add(areaSelf, area(leaf.callFrame), us);
    for (const k of new Set(stack.map(key))) add(total, k, us);
  }
  const perCall = (us: number): string => (us / calls).toFixed(1);
  const print = (title: string, m: Map<string, number>, n: number): void => {
    console.log(`\n## ${title} (µs per call, ${calls} calls per side)`);
    for (const [k, v] of [...m].sort((x, y) => y[1] - x[1]).slice(0, n)) console.log(`${perCall(v).padStart(8)}  ${k}`);
  };
  print('buckets', bucket, 10);
  print('@inferox own cost by deepest @inferox function', engineFn, top);
  print('@inferox own cost by file', engineFile, top);
  print('@inferox own cost spent in non-@inferox callees (deepest @inferox function → leaf)', enginePair, top);
  print('@inferox own cost by area of the leaf frame', engineLeafArea, top);
  print('self time by area', areaSelf, top);
  print('self time by function', self, top);
  print('total time by function', total, top * 2);
}

main();
