import { existsSync } from 'node:fs';
import { mkdir, readFile, rename, stat, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { exportOnnx } from '@inferox/onnx-backend';
import { generateBertCheckpoint } from '../../../tools/src/generate-bert-checkpoint';
import type { BenchProfile, BertSizeName } from '../bench-profile';
import type { BenchContext, PreparedModel } from '../scenario';

const FIXTURE = resolve(import.meta.dirname, '../../../fixtures/tiny-bert-hf');

/**
 * A bench context whose models are written under `modelDir` (default `workDir`; tiny is the fixture, the others
 * generated), where an earlier process's are reused.
 */
export function createBenchContext(options: { profile: BenchProfile; threads: number; workDir: string; modelDir?: string; log?: (message: string) => void }): BenchContext {
  const models = new Map<BertSizeName, Promise<PreparedModel>>();
  const log = options.log ?? ((message: string) => process.stderr.write(`${message}\n`));
  const prepare = async (name: BertSizeName): Promise<PreparedModel> => {
    const modelDir = options.modelDir ?? options.workDir;
    const dir = name === 'tiny' ? FIXTURE : join(modelDir, name);
    const onnxPath = join(modelDir, `${name}.onnx`);
    // Each scenario runs in its own process over the same model folder: a model an earlier one (or an earlier run)
    // prepared is reused. The ONNX file is renamed into place last, so its presence means the whole preparation
    // finished.
    const prepared = existsSync(onnxPath);
    if (!prepared) {
      await mkdir(modelDir, { recursive: true });
      if (name !== 'tiny') await generateBertCheckpoint(dir, name);
      await writeFile(`${onnxPath}.partial`, await exportOnnx(dir));
      await rename(`${onnxPath}.partial`, onnxPath);
    }
    const weightBytes = (await stat(join(dir, 'model.safetensors'))).size;
    const config = JSON.parse(await readFile(join(dir, 'config.json'), 'utf8')) as { hidden_size: number };
    if (!prepared) log(`  prepared ${name}: ${(weightBytes / 2 ** 20).toFixed(1)} MiB of weights, hidden ${config.hidden_size}`);
    return { name, dir, onnxPath, weightBytes, hidden: config.hidden_size };
  };
  return {
    profile: options.profile,
    threads: options.threads,
    workDir: options.workDir,
    log,
    model(name) {
      let pending = models.get(name);
      if (!pending) {
        pending = prepare(name);
        models.set(name, pending);
      }
      return pending;
    },
  };
}
