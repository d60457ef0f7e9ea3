/**
 * @packageDocumentation
 * `@inferox/server`: models over HTTP on Fastify 5 — the Open Inference Protocol v2 (JSON and binary tensors),
 * OpenAI-compatible embeddings, text-embeddings-inference routes, Prometheus metrics, API keys and a clean shutdown.
 * The server talks to a {@link ModelService}; `engineModelService()` implements it over a local engine.
 */
export type {
  ModelRepository,
  ModelService,
  ServedModel,
  ServedReplica,
  ServedTextModel,
  ServiceInferOptions,
  ServiceInferResult,
  TextCallOptions,
  TextModelInfo,
  TextTask,
} from './model-service';
export { createServer } from './create-server';
export type { InferoxServer } from './create-server';
export { engineModelService } from './engine-model-service';
export type { EngineModelServiceOptions } from './engine-model-service';
export type { ServedModelConfig, ServedTask } from './served-model-config';
export { DEFAULT_SERVER_LIMITS } from './server-options';
export type { ServerLimits, ServerOptions } from './server-options';
export { parseModelArgument, parseServeConfig, readServeConfig } from './serve-config';
export type { ServeConfig } from './serve-config';
