import { type Command, Option } from 'commander';
import type { Action } from '../action';
import { backendsCommand } from './backends-command';
import { cachePruneCommand, cacheScanCommand } from './cache-command';
import { packCommand } from './pack-command';
import { pullCommand } from './pull-command';
import { runCommand } from './run-command';
import { serveCommand } from './serve-command';
import { registerTextCommands } from './text-commands';
import { verifyCommand } from './verify-command';
import { workerCommand } from './worker-command';

type Wrap = <A extends unknown[]>(action: Action<A>) => (...args: A) => Promise<void>;
const list = (value: string, previous: string[] = []): string[] => [...previous, value];
const csv = (value: string): string[] => value.split(',').map((s) => s.trim()).filter(Boolean);

/** Adds every subcommand to `program`. */
export function registerCommands(program: Command, wrap: Wrap): void {
  program
    .command('run <model>')
    .description('run one Open Inference Protocol v2 request on a package, checkpoint, .onnx file or TF.js model')
    .addOption(new Option('--backend <name>', 'backend to run on').choices(['onnx', 'tfjs', 'auto']).default('auto'))
    .addOption(new Option('--runtime <runtime>', 'tfjs runtime').choices(['auto', 'node-gpu', 'node', 'wasm', 'cpu']))
    .option('--providers <list>', 'onnx execution providers in preference order, e.g. cuda,cpu', csv)
    .requiredOption('--inputs <file|->', 'v2 request body: a file, or - for stdin')
    .option('--output <file>', 'write the v2 response here instead of stdout')
    .option('--max-elements <n>', 'most tensor elements in the request (default 1048576)')
    .option('--max-request-size <size>', 'largest request body (default 64MiB)')
    .option('--max-output-size <size>', 'largest response body, counted before it is written (default 64MiB)')
    .action(wrap((io, model: string, flags: Parameters<typeof runCommand>[2]) => runCommand(io, model, flags)));

  program
    .command('serve [models...]')
    .description('serve models over HTTP: Open Inference Protocol v2, OpenAI embeddings, TEI routes, /metrics (models: ./folder, name=./folder, name=hf://org/repo@rev)')
    .option('--config <file>', 'a JSON or YAML serve config (models, keys, limits)')
    .option('--host <host>', 'address to listen on (default 127.0.0.1)')
    .option('--port <port>', 'port to listen on (default 8080; 0 picks one)')
    .option('--api-key <key>', 'require Authorization: Bearer <key> (repeatable; also INFEROX_API_KEYS, comma-separated)', list)
    .option('--backend <name>', 'backend for the models given as arguments (repeatable, preference order): onnx, tfjs', list)
    .addOption(new Option('--runtime <runtime>', 'tfjs runtime').choices(['auto', 'node-gpu', 'node', 'wasm', 'cpu']))
    .option('--providers <list>', 'onnx execution providers in preference order, e.g. cuda,cpu', csv)
    .addOption(new Option('--task <task>', 'task of the models given as arguments').choices(['auto', 'embedding', 'classification', 'tensor']))
    .option('--instances <n>', 'executor instances per replica')
    .option('--max-batch-size <n>', 'dynamic batching: most requests in a batch')
    .option('--max-queue-delay <ms>', 'dynamic batching: longest wait to fill a batch (default 2)')
    .option('--shutdown-timeout <ms>', 'how long in-flight requests may take after SIGTERM (default 10000)')
    .option('--body-limit <bytes>', 'largest request body (default 2097152)')
    .option('--model-repository', 'enable the v2 model repository extension (load/unload over HTTP)')
    .option('--cors <origin>', 'allow this origin (repeatable; * for any); CORS is off by default', list)
    .option('--queue <redis-url>', 'front-end mode: load no models, forward requests to inferox worker processes through this Redis')
    .option('--queue-name <name>', 'queue shared with the workers (default inferox)')
    .action(wrap((io, models: string[], flags: Parameters<typeof serveCommand>[2]) => serveCommand(io, models, flags)));

  program
    .command('worker')
    .description('take inference jobs for the given models from a Redis queue (BullMQ) until SIGTERM; run one per GPU or host')
    .requiredOption('--redis <url>', 'Redis to take jobs from, e.g. redis://127.0.0.1:6379')
    .option('--model <source>', 'a model to serve: ./folder, name=./folder, name=hf://org/repo@rev (repeatable)', list)
    .option('--queue <name>', 'queue name shared with the front ends (default inferox)')
    .option('--concurrency <n>', 'jobs run at once per model (default 1)')
    .option('--backend <name>', 'backend for the models (repeatable, preference order): onnx, tfjs', list)
    .addOption(new Option('--runtime <runtime>', 'tfjs runtime').choices(['auto', 'node-gpu', 'node', 'wasm', 'cpu']))
    .option('--providers <list>', 'onnx execution providers in preference order, e.g. cuda,cpu', csv)
    .option('--task <task>', 'task of the models: auto, embedding, classification, tensor')
    .option('--id <id>', 'worker id in announcements (default host:pid:random)')
    .option('--lock-duration <ms>', 'job lock; a dead worker\'s jobs run again after it (default 30000)')
    .option('--stalled-interval <ms>', 'how often to look for jobs of dead workers (default 30000)')
    .option('--max-stalled <n>', 'times a job may outlive its worker before it fails (default 1)')
    .action(wrap((io, flags: Parameters<typeof workerCommand>[1]) => workerCommand(io, flags)));

  program
    .command('pack <source>')
    .description('pack a Hugging Face checkpoint folder (or a hub repo id) into a verified package')
    .requiredOption('-o, --output <dir>', 'package folder to create')
    .option('--revision <rev>', 'hub revision (repo ids only)')
    .option('--name <name>', 'package name')
    .option('--overwrite', 'replace an existing package (only an empty folder or an Inferox package is ever replaced)')
    .option('--follow-external-links', 'copy what links leaving the source folder point at (refused by default)')
    .action(wrap((io, source: string, flags: Parameters<typeof packCommand>[2]) => packCommand(io, source, flags)));

  program
    .command('verify <dir>')
    .description('verify every file of a package against its manifest')
    .action(wrap((io, dir: string) => verifyCommand(io, dir)));

  program
    .command('pull <repo>')
    .description('download a hub repo snapshot into the Hugging Face cache')
    .option('--revision <rev>', 'branch, tag or commit')
    .option('--include <glob>', 'only files matching (repeatable)', list)
    .option('--cache-dir <dir>', 'cache folder (default: HF_HUB_CACHE, HF_HOME/hub, ~/.cache/huggingface/hub)')
    .action(wrap((io, repo: string, flags: Parameters<typeof pullCommand>[2]) => pullCommand(io, repo, flags)));

  const cache = program.command('cache').description('inspect or shrink the Hugging Face cache');
  cache
    .command('scan')
    .option('--cache-dir <dir>', 'cache folder')
    .action(wrap((io, flags: { cacheDir?: string }) => cacheScanCommand(io, flags)));
  cache
    .command('prune')
    .requiredOption('--max-size <size>', 'shrink to this size (e.g. 10GB)')
    .option('--cache-dir <dir>', 'cache folder')
    .action(wrap((io, flags: { maxSize: string; cacheDir?: string }) => cachePruneCommand(io, flags)));

  registerTextCommands(program, wrap);

  program
    .command('backends')
    .description('list the backends, whether each is available, and why not')
    .addOption(new Option('--runtime <runtime>', 'tfjs runtime').choices(['auto', 'node-gpu', 'node', 'wasm', 'cpu']))
    .option('--providers <list>', 'onnx execution providers, e.g. cuda,cpu', csv)
    .action(wrap((io, flags: { runtime?: string; providers?: string[] }) => backendsCommand(io, flags)));
}
