import type { InferoxError } from '@inferox/core';
import type { ModelState } from '../model-info';
import type { ModelSpec } from '../model-spec';
import type { Replica } from './replica';

/** A replica that could not load because its backend failed to initialise, with the cause. */
export interface UnavailableReplica {
  readonly backend: string;
  readonly error: InferoxError;
}

/** One version of one model name: its spec, replicas and life. */
export interface VersionEntry {
  readonly name: string;
  readonly version: number;
  /** What `load` was given; absent for a handle given to `register` (which cannot be reloaded). */
  readonly spec?: ModelSpec;
  state: ModelState;
  replicas: Replica[];
  /** Epoch ms of the last request (or the load), as `info().lastUsedAt` shows it. */
  lastUsedAt: number;
  /** A strictly increasing stamp of the last use: the LRU order, free of clock ties. */
  recency: number;
  /** The on-demand load of a lazy or evicted version under way, shared by every request waiting for it. */
  lazyLoad?: Promise<void>;
  /** Unloaded, swapped out or evicted: what it holds is retired and nothing installs it again. */
  removed: boolean;
  /** Requests between routing and their answer (pins the version against eviction, fallbacks included). */
  inflight: number;
  unavailable?: readonly UnavailableReplica[];
}

/** `name@version`, for messages and logs. */
export const label = (entry: { readonly name: string; readonly version: number }): string => `${entry.name}@${entry.version}`;
