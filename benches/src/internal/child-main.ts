import { createWriteStream } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import { bertFeeds } from './bert-feeds';
import { type ChildTask, RESULT_MARKER } from './child-task';
import { startRssSampler } from './rss-sampler';
import { sessionOptions } from './sides';

// Entry of a child process (see run-child.ts): runs one task and prints its result after RESULT_MARKER.
const gc = (): void => {
  for (let i = 0; i < 3; i++) (globalThis as { gc?: () => void }).gc?.();
};
const rss = (): number => {
  gc();
  return process.memoryUsage.rss();
};

interface Loaded {
  run(): Promise<unknown>;
  dispose(): Promise<void>;
}

async function loader(side: 'ort' | 'inferox', threads: number, seq: number): Promise<(onnxPath: string) => Promise<Loaded>> {
  const feeds = bertFeeds(1, seq);
  const ort = await import('onnxruntime-node');
  const { OnnxGraphBuilder } = await import('@inferox/onnx-backend');
  if (side === 'ort') {
    // Load onnxruntime's native code before measuring, as the onnx backend's init() does for the other side.
    const g = new OnnxGraphBuilder({ name: 'probe' });
    g.addInput('x', 'float32', [1]);
    g.addOutput(g.op('Identity', ['x'], {}, 'y'), 'float32', [1]);
    await (await ort.InferenceSession.create(g.toBytes())).release();
    return async (onnxPath) => {
      const session = await ort.InferenceSession.create(onnxPath, { ...sessionOptions(threads), executionProviders: ['cpu'] });
      return { run: () => session.run(feeds.ort), dispose: () => session.release() };
    };
  }
  const { createEngine } = await import('@inferox/engine');
  const { createOnnxBackend } = await import('@inferox/onnx-backend');
  const backend = createOnnxBackend({ executionProviders: ['cpu'], sessionOptions: sessionOptions(threads) });
  await backend.init();
  const engine = createEngine({ backends: [backend] });
  let n = 0;
  return async (onnxPath) => {
    const name = `m${n++}`;
    await engine.load(name, { backends: ['onnx'], source: onnxPath });
    return { run: () => engine.infer(name, feeds.core), dispose: () => engine.unload(name) };
  };
}

async function main(task: ChildTask): Promise<unknown> {
  switch (task.kind) {
    case 'load': {
      const load = await loader(task.side, task.threads, task.seq);
      const before = rss();
      const model = await load(task.onnxPath);
      const afterLoad = rss();
      await model.run();
      const afterRun = rss();
      await model.dispose();
      return { before, afterLoad, afterRun };
    }
    case 'cycles': {
      const load = await loader(task.side, task.threads, task.seq);
      const warm = await load(task.onnxPath);
      await warm.run();
      await warm.dispose();
      const before = rss();
      const t0 = performance.now();
      for (let i = 0; i < task.cycles; i++) {
        const model = await load(task.onnxPath);
        await model.run();
        await model.dispose();
      }
      const ms = performance.now() - t0;
      return { before, after: rss(), ms };
    }
    case 'download': {
      const sampler = startRssSampler(5);
      const t0 = performance.now();
      if (task.downloader === 'inferox') {
        const { downloadFile } = await import('@inferox/hub-cache');
        await downloadFile(task.repo, task.path, { endpoint: task.endpoint, cacheDir: task.target, token: false });
      } else if (task.downloader === 'hf-hub') {
        const { downloadFileToCacheDir } = await import('@huggingface/hub');
        await downloadFileToCacheDir({ repo: task.repo, path: task.path, hubUrl: task.endpoint, cacheDir: task.target });
      } else {
        const res = await fetch(`${task.endpoint}/${task.repo}/resolve/main/${task.path}`);
        if (!res.ok || !res.body) throw new Error(`fetch answered ${res.status}`);
        await mkdir(dirname(task.target), { recursive: true });
        await pipeline(Readable.fromWeb(res.body as WebReadableStream), createWriteStream(task.target));
      }
      const ms = performance.now() - t0;
      return { ms, ...sampler.stop() };
    }
  }
}

const task = JSON.parse(process.argv[2] ?? 'null') as ChildTask;
process.stdout.write(`${RESULT_MARKER}${JSON.stringify(await main(task))}\n`);
// The engines and sessions of a task are left to the process exit: the figures are taken.
process.exit(0);
