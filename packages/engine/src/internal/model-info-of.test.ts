import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ControlledBackend, type ControlledLoadOptions } from '../controlled-backend.fixture';
import { type Engine, createEngine } from '../engine';
import { ESTIMATE_BASIS } from './replica-parts';

describe('modelInfoOf', () => {
  let engine: Engine<ControlledLoadOptions> | undefined;
  let dir: string | undefined;
  afterEach(async () => {
    await engine?.close();
    engine = undefined;
    if (dir) rmSync(dir, { recursive: true, force: true });
    dir = undefined;
  });

  it('labels the memory of a version as an estimate, with the basis of the estimated part only, when one replica reports none', async () => {
    dir = mkdtempSync(join(tmpdir(), 'inferox-model-info-'));
    const source = join(dir, 'model.onnx');
    writeFileSync(source, new Uint8Array(1000));
    engine = createEngine({ backends: [new ControlledBackend({ name: 'reports' }), new ControlledBackend({ name: 'silent', memoryBytes: 0 })] });
    const info = await engine.load('m', { source, replicas: [{ backend: 'reports' }, { backend: 'silent' }] });
    expect(info.replicas.map((r) => [r.backend, r.memory])).toEqual([
      ['reports', { bytes: 1000, estimated: false }],
      ['silent', { bytes: 1200, estimated: true, basis: ESTIMATE_BASIS }],
    ]);
    expect([info.memoryBytes, info.memory]).toEqual([2200, { bytes: 2200, estimated: true, basis: ESTIMATE_BASIS }]);
  });
});
