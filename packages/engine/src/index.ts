/**
 * @packageDocumentation
 * One engine, many backends: a model registry with replicas on several backends, routing with fallback, a
 * scheduler per replica (priorities, bounded queues, admission, deadlines, cancellation, dynamic batching,
 * worker-thread instances), a memory budget with LRU eviction, hot swap, sessions, metrics and a clean shutdown.
 * Depends on `@inferox/core` only: backends are handed in, never imported.
 *
 * The scheduler and admission pool the engine is built on are published apart, at `@inferox/engine/scheduler`.
 */
export { createEngine } from './engine';
export type { CloseOptions, Engine, EngineOptions, RegisterOptions } from './engine';
export { parseEngineConfig } from './engine-config';
export type { EngineConfig, FallbackCode, ResolvedEngineConfig } from './engine-config';
export { parseModelSpec } from './model-spec';
export type { BatchingSpec, InstancesSpec, ModelSpec, ReplicaSpec, SharedLoadModelOptions } from './model-spec';
export type { InferOptions } from './infer-options';
export type { FallbackReport, InferResult, StreamItem } from './infer-result';
export type { MemoryFigure, ModelInfo, ModelState, ReplicaInfo } from './model-info';
export type { BackendStatus, EngineStats } from './engine-stats';
export type { ReplicaView, RoutingPolicy, RoutingRequest } from './routing-policy';
export { firstBadField } from './internal/parse-with';
export type { BadField } from './internal/parse-with';
export { createSessionKey } from './session-key';
export type { SessionKey } from './session-key';
export type { EngineSession } from './engine-session';
export { ALONE_REASONS, PRIORITIES } from './scheduler/index';
export type { AloneReason, BatchingOptions, PaddingOptions, Priority } from './scheduler/index';
