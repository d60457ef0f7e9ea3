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
