import { createOnnxBackend } from '@inferox/onnx-backend';
import { describeTextAcceptance } from './internal/acceptance.fixture';

// The folder's onnx/model.onnx (the torch export) and the graph the onnx backend builds from model.safetensors.
describeTextAcceptance({ label: 'onnx (torch export)', backend: () => createOnnxBackend() });
describeTextAcceptance({ label: 'onnx (graph built from safetensors)', backend: () => createOnnxBackend(), load: { preferOnnxFile: false } });
