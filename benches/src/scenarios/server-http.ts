import { Agent, request as httpRequest } from 'node:http';
import { loadavg } from 'node:os';
import { resolve } from 'node:path';
import { execFile } from 'node:child_process';
import { createEngine } from '@inferox/engine';
import { createOnnxBackend } from '@inferox/onnx-backend';
import { createServer, engineModelService } from '@inferox/server';
import { loadTextModel } from '@inferox/text';
import Fastify from 'fastify';
import { checkGoal, ratio } from '../goal';
import { closedLoop } from '../internal/closed-loop';
import { roundOrder } from '../internal/round-order';
import { sessionOptions } from '../internal/sides';
import { offlinePipeline } from '../internal/transformers-folder';
import type { Scenario } from '../scenario';
import { fmt, interleave, quantile, summarize } from '../stats';

const FIXTURES = resolve(import.meta.dirname, '../../../fixtures');
const TEXT = 'The quick brown fox jumps over the lazy dog near the river bank.';

/** A keep-alive HTTP client for one base URL: at most `connections` sockets, one request per socket at a time. */
function httpClient(base: string, connections: number): { post: (path: string, body: string) => Promise<string>; close: () => void } {
  const agent = new Agent({ keepAlive: true, maxSockets: connections, maxFreeSockets: connections });
  const url = new URL(base);
  return {
    post: (path, body) =>
      new Promise((done, fail) => {
        const req = httpRequest(
          { agent, host: url.hostname, port: url.port, path, method: 'POST', headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } },
          (res) => {
            const chunks: Buffer[] = [];
            res.on('data', (c: Buffer) => chunks.push(c));
            res.on('end', () => {
              const text = Buffer.concat(chunks).toString('utf8');
              if (res.statusCode === 200) done(text);
              else fail(new Error(`HTTP ${res.statusCode}: ${text.slice(0, 200)}`));
            });
            res.on('error', fail);
          },
        );
        req.on('error', fail);
        req.end(body);
      }),
    close: () => agent.destroy(),
  };
}

/**
 * The closed-loop load generator, run in a child process as a real client would be (its CPU is not the server's, and
 * the server process's CPU time per request can be measured). Plain JavaScript given to `node -e`.
 */
const LOAD_CLIENT = `
const http = require('node:http');
const { url, path, body, connections, requests, width } = JSON.parse(process.env.INFEROX_LOAD);
const target = new URL(url);
const agent = new http.Agent({ keepAlive: true, maxSockets: connections, maxFreeSockets: connections });
const latencies = [];
let failures = 0, firstError, next = 0;
const one = () => new Promise((resolve) => {
  const t0 = performance.now();
  const req = http.request({ agent, host: target.hostname, port: target.port, path, method: 'POST', headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } }, (res) => {
    const chunks = [];
    res.on('data', (c) => chunks.push(c));
    res.on('end', () => {
      try {
        const parsed = JSON.parse(Buffer.concat(chunks).toString('utf8'));
        if (res.statusCode !== 200 || !Array.isArray(parsed) || parsed.length !== 1 || parsed[0].length !== width) throw new Error('HTTP ' + res.statusCode + ': ' + JSON.stringify(parsed).slice(0, 200));
        latencies.push(performance.now() - t0);
      } catch (e) { failures++; firstError ??= String(e); }
      resolve();
    });
  });
  req.on('error', (e) => { failures++; firstError ??= String(e); resolve(); });
  req.end(body);
});
const client = async () => { while (next < requests) { next++; await one(); } };
const t0 = performance.now();
Promise.all(Array.from({ length: connections }, client)).then(() => {
  const wallMs = performance.now() - t0;
  agent.destroy();
  process.stdout.write(JSON.stringify({ latencies, wallMs, rps: latencies.length * 1000 / wallMs, failures, firstError }));
});
`;

/** What one load run measured; `serverCpuUs` is this process's CPU time per answered request while it ran. */
interface LoadResult {
  readonly latencies: number[];
  readonly wallMs: number;
  readonly rps: number;
  readonly failures: number;
  readonly firstError?: string;
  readonly serverCpuUs: number;
}

/** Runs `requests` requests over `connections` keep-alive connections from a child process. */
function loadFromClient(options: { url: string; path: string; body: string; connections: number; requests: number; width: number }): Promise<LoadResult> {
  const cpu = process.cpuUsage();
  return new Promise((done, fail) => {
    execFile(process.execPath, ['-e', LOAD_CLIENT], { env: { ...process.env, INFEROX_LOAD: JSON.stringify(options) }, maxBuffer: 64 * 1024 * 1024 }, (error, stdout) => {
      if (error) return fail(error);
      const used = process.cpuUsage(cpu);
      const result = JSON.parse(stdout) as Omit<LoadResult, 'serverCpuUs'>;
      done({ ...result, serverCpuUs: (used.user + used.system) / Math.max(1, result.latencies.length) });
    });
  });
}

/** Runs a closed loop in this process and measures its CPU time per request too. */
async function inProcessLoad(request: () => Promise<unknown>, clients: number, requestsPerClient: number): Promise<Omit<LoadResult, 'firstError'> & { firstError?: unknown }> {
  const cpu = process.cpuUsage();
  const r = await closedLoop(request, { clients, requestsPerClient });
  const used = process.cpuUsage(cpu);
  return { ...r, serverCpuUs: (used.user + used.system) / Math.max(1, r.latencies.length) };
}

/** An embedding response must be one vector of the model's width with finite numbers. */
function checkEmbedding(text: string, width: number): void {
  const body = JSON.parse(text) as number[][];
  if (!Array.isArray(body) || body.length !== 1 || body[0]!.length !== width || !body[0]!.every(Number.isFinite)) {
    throw new Error(`malformed /embed response: ${text.slice(0, 120)}`);
  }
}

/** Rounds and counts of scenario 8; the defaults depend on `--quick`. */
export interface ServerHttpSizes {
  readonly singleRounds: number;
  readonly warmup: number;
  readonly clients: number;
  readonly requestsPerClient: number;
  readonly rounds: number;
  readonly stressRequests: number;
  readonly stressConnections: number;
}

/** The sizes of a full run or a quick pass: 5,000 requests from 256 connections in both. */
export function serverHttpSizes(quick: boolean): ServerHttpSizes {
  return { singleRounds: quick ? 300 : 2000, warmup: quick ? 30 : 100, clients: 64, requestsPerClient: quick ? 8 : 30, rounds: quick ? 2 : 3, stressRequests: 5000, stressConnections: 256 };
}

/**
 * Scenario 8: `inferox serve` over HTTP (TEI `/embed`) against the same text model called in process, and against
 * transformers.js behind a minimal Fastify route (what a user would otherwise write), on the tiny sentence-transformers
 * model; then 5,000 requests from 256 connections, none lost.
 */
export const serverHttp: Scenario = serverHttpScenario();

/** Scenario 8 with the given sizes (tests run it small). */
export function serverHttpScenario(sizes?: ServerHttpSizes): Scenario {
  return {
    id: 'server',
    number: 8,
    title: '8. HTTP server (inferox serve) vs in-process and vs transformers.js behind Fastify',
    async run(ctx) {
      const p = sizes ?? serverHttpSizes(ctx.profile.quick);
      const folder = resolve(FIXTURES, 'tiny-bert-st');
      const engine = createEngine({ backends: [createOnnxBackend({ executionProviders: ['cpu'], sessionOptions: sessionOptions(ctx.threads) })] });
      const text = await loadTextModel(engine, folder, { name: 'st', backends: ['onnx'] });
      const width = text.info.dimensions ?? 64;
      const service = await engineModelService({ engine, textModels: [text] });
      const server = await createServer({ service, limits: { maxConcurrentRequests: 1024 } });
      const url = await server.listen({ host: '127.0.0.1', port: 0 });

      const pipeline = await offlinePipeline(FIXTURES);
      const extractor = (await pipeline('feature-extraction', 'tiny-bert-st', { dtype: 'fp32', device: 'cpu', session_options: sessionOptions(ctx.threads) })) as unknown as {
        (text: string, options: { pooling: 'mean'; normalize: boolean }): Promise<{ data: Float32Array }>;
        dispose(): Promise<void>;
      };
      const baseline = Fastify({ logger: false });
      baseline.post<{ Body: { inputs: string } }>('/embed', async (request) => [Array.from((await extractor(request.body.inputs, { pooling: 'mean', normalize: true })).data)]);
      const baselineUrl = await baseline.listen({ host: '127.0.0.1', port: 0 });
      // The HTTP floor: Fastify answering a precomputed embedding of the same size, with no model behind it.
      const precomputed = Array.from((await text.embed([TEXT])).embeddings[0]!);
      const bare = Fastify({ logger: false });
      bare.post('/embed', async () => [precomputed]);
      const bareUrl = await bare.listen({ host: '127.0.0.1', port: 0 });

      const body = JSON.stringify({ inputs: TEXT });
      const one = httpClient(url, 1);
      const tjs = httpClient(baselineUrl, 1);
      const floor = httpClient(bareUrl, 1);
      try {
        const inProcess = async (): Promise<unknown> => (await text.embed([TEXT])).embeddings[0];
        const overHttp = async (): Promise<void> => checkEmbedding(await one.post('/embed', body), width);
        // Same model, same text: the HTTP answer and transformers.js' must agree with the in-process one first.
        const direct = (await text.embed([TEXT])).embeddings[0]!;
        const viaHttp = (JSON.parse(await one.post('/embed', body)) as number[][])[0]!;
        const viaTjs = (JSON.parse(await tjs.post('/embed', body)) as number[][])[0]!;
        const httpDiff = viaHttp.reduce((m, v, i) => Math.max(m, Math.abs(v - direct[i]!)), 0);
        const tjsDiff = viaTjs.reduce((m, v, i) => Math.max(m, Math.abs(v - direct[i]!)), 0);

        ctx.log(`  one connection: ${p.singleRounds} interleaved calls each`);
        const single = await interleave(inProcess, overHttp, { rounds: p.singleRounds, warmup: p.warmup });
        const sIn = summarize(single.a);
        const sHttp = summarize(single.b);
        const overBare = async (): Promise<void> => checkEmbedding(await floor.post('/embed', body), width);
        const floorSingle = await interleave(overBare, overHttp, { rounds: p.singleRounds, warmup: p.warmup });
        const sBare = summarize(floorSingle.a);

        ctx.log(`  ${p.clients} connections × ${p.requestsPerClient} requests, ${p.rounds} rounds each`);
        const requests = p.clients * p.requestsPerClient;
        const loaders = {
          inProcess: () => inProcessLoad(inProcess, p.clients, p.requestsPerClient),
          http: () => loadFromClient({ url, path: '/embed', body, connections: p.clients, requests, width }),
          tjs: () => loadFromClient({ url: baselineUrl, path: '/embed', body, connections: p.clients, requests, width }),
          bare: () => loadFromClient({ url: bareUrl, path: '/embed', body, connections: p.clients, requests, width }),
        };
        const rps = { inProcess: [] as number[], http: [] as number[], tjs: [] as number[], bare: [] as number[] };
        const cpuUs = { inProcess: [] as number[], http: [] as number[], tjs: [] as number[], bare: [] as number[] };
        for (let round = 0; round < p.rounds; round++) {
          for (const side of roundOrder(['inProcess', 'http', 'tjs', 'bare'] as const, round)) {
            const r = await loaders[side]();
            if (r.failures > 0) throw new Error(`${side}: ${r.failures} requests failed: ${String(r.firstError)}`);
            rps[side].push(r.rps);
            cpuUs[side].push(r.serverCpuUs);
          }
        }

        ctx.log(`  ${p.stressRequests} requests from ${p.stressConnections} connections`);
        const stressRun = await loadFromClient({ url, path: '/embed', body, connections: p.stressConnections, requests: p.stressRequests, width });
        const answered = stressRun.latencies.length;
        const sent = p.stressRequests;

        const added = sHttp.p50 - sIn.p50;
        const rIn = quantile(rps.inProcess, 0.5);
        const rHttp = quantile(rps.http, 0.5);
        const rTjs = quantile(rps.tjs, 0.5);
        const stressSummary = summarize(stressRun.latencies);
        const cpu = { inProcess: quantile(cpuUs.inProcess, 0.5), http: quantile(cpuUs.http, 0.5), tjs: quantile(cpuUs.tjs, 0.5), bare: quantile(cpuUs.bare, 0.5) };
        // What any server of this model could give over HTTP, in CPU per request: the model's work plus the floor's.
        const bestOfInProcess = ratio(cpu.inProcess, cpu.inProcess + cpu.bare);
        const bestOfTjs = ratio(cpu.tjs, cpu.inProcess + cpu.bare);
        const cpuOfTjs = ratio(cpu.tjs, cpu.http);
        return {
          id: this.id,
          title: this.title,
          tables: [
            {
              title: `tiny-bert-st (64 dims), one ${TEXT.split(' ').length}-word text per request, TEI POST /embed`,
              headers: ['measure', 'in process (text.embed)', 'inferox serve (HTTP)', 'transformers.js + Fastify (HTTP)', 'bare Fastify, precomputed answer (HTTP floor)', 'ratio'],
              rows: [
                ['1 connection p50 (ms)', fmt(sIn.p50), fmt(sHttp.p50), '', fmt(sBare.p50), `+${fmt(added)} ms added; the floor's round trip ${fmt(sBare.p50)} ms`],
                ['1 connection p99 (ms)', fmt(sIn.p99), fmt(sHttp.p99), '', fmt(sBare.p99), ''],
                [`${p.clients} connections (requests/s)`, fmt(rIn), fmt(rHttp), fmt(rTjs), fmt(quantile(rps.bare, 0.5)), `HTTP ÷ in process ${fmt(ratio(rHttp, rIn))}; HTTP ÷ transformers.js ${fmt(ratio(rHttp, rTjs))}`],
                [
                  `${p.clients} connections, server process CPU per request (µs)`,
                  fmt(cpu.inProcess),
                  fmt(cpu.http),
                  fmt(cpu.tjs),
                  fmt(cpu.bare),
                  `HTTP ÷ in process ${fmt(ratio(cpu.http, cpu.inProcess))}; HTTP − in process − floor ${fmt(cpu.http - cpu.inProcess - cpu.bare)} µs`,
                ],
                [`${sent} requests from ${p.stressConnections} connections`, '', `${answered} answered, ${stressRun.failures} failed; p50 ${fmt(stressSummary.p50)} ms, p99 ${fmt(stressSummary.p99)} ms`, '', '', ''],
              ],
            },
          ],
          goals: [
            checkGoal(
              'added p50 over the in-process engine at one connection',
              added,
              { atMost: 0.2 },
              ' ms',
              `the same text model called in process: p50 ${fmt(sIn.p50)} ms; an HTTP round trip to bare Fastify answering a precomputed embedding (no model): p50 ${fmt(sBare.p50)} ms${sBare.p50 > 0.2 ? ', over 0.2 ms by itself, so the goal cannot be met on this machine' : ''}; inferox serve adds ${fmt(sHttp.p50 - sIn.p50 - sBare.p50)} ms beyond that floor`,
            ),
            checkGoal(
              `throughput at ${p.clients} connections ÷ in-process`,
              ratio(rHttp, rIn),
              { atLeast: 0.9 },
              '',
              `the same text model called in process by ${p.clients} clients: ${fmt(rIn)} requests/s, ${fmt(cpu.inProcess)} µs of CPU per request; bare Fastify alone takes ${fmt(cpu.bare)} µs per request, so a server can give at most ${fmt(bestOfInProcess)}× in-process per CPU-second${bestOfInProcess < 0.9 ? ' and the goal cannot be met' : ''}; inferox serve takes ${fmt(cpu.http)} µs`,
            ),
            checkGoal(
              `throughput at ${p.clients} connections ÷ transformers.js behind Fastify`,
              ratio(rHttp, rTjs),
              { atLeast: 3 },
              '',
              `transformers.js behind Fastify takes ${fmt(cpu.tjs)} µs of CPU per request, inferox serve ${fmt(cpu.http)} (${fmt(cpuOfTjs)}× less); in-process work plus the bare Fastify floor is ${fmt(cpu.inProcess + cpu.bare)} µs, so a server of this model can be at most ${fmt(bestOfTjs)}× transformers.js per CPU-second${bestOfTjs < 3 ? ' and the goal cannot be met' : ''}`,
            ),
            checkGoal(`requests lost of ${sent} from ${p.stressConnections} connections`, sent - answered, { equal: 0 }),
          ],
          notes: [
            `Both HTTP sides are Fastify 5 on 127.0.0.1. Load: a closed loop of keep-alive node:http connections (each sends its next request when the previous one answers) run from a child process, as a real client would be; every response is parsed and checked. CPU per request is the server process's user+system time over the run divided by the requests answered (less sensitive to a busy machine than requests/s). The one-connection rows use a client on the main thread, interleaved with the in-process calls. The in-process side calls the same TextModel the server serves.`,
            `Answers agree: HTTP vs in process max abs difference ${fmt(httpDiff)}, transformers.js vs in process ${fmt(tjsDiff)} (same ONNX file, same tokenizer.json, mean pooling + L2 norm).`,
            `Load average when the scenario ended: ${loadavg().map((v) => v.toFixed(1)).join(', ')} (1, 5, 15 min) on ${ctx.profile.quick ? 'a quick pass' : 'a full run'}; figures from a busy machine are not the server's.`,
            `One connection: ${p.singleRounds} interleaved calls each after ${p.warmup} warm-up calls. ${p.clients} connections: ${p.rounds} rounds in rotating order, median requests/s. No dynamic batching on either side beyond what the text model forms itself.`,
          ],
          raw: { single, floorSingle, rps, cpuUs, stress: { sent, answered, failures: stressRun.failures, p50: stressSummary.p50, p99: stressSummary.p99 }, httpDiff, tjsDiff },
        };
      } finally {
        one.close();
        tjs.close();
        floor.close();
        await baseline.close();
        await bare.close();
        await server.close();
        await extractor.dispose();
      }
    },
  };
}
