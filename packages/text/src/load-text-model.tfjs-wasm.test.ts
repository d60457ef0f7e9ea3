import { createTfjsBackend } from '@inferox/tfjs-backend';
import { describeTextAcceptance } from './internal/acceptance.fixture';

// tfjs holds one runtime per process: wasm and cpu run in separate test files (vitest gives each file a process).
describeTextAcceptance({ label: 'tfjs wasm', backend: () => createTfjsBackend({ runtime: 'wasm' }) });
