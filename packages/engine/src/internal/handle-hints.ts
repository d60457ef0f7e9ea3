import { ErrorCode, InferoxError, type ModelHandle, checkBatchable, checkRunsInFlight } from '@inferox/core';

/** What a loaded handle asks of the engine's scheduling: runs in flight, and whether it batches by default. */
export interface HandleHints {
  readonly runsInFlight: number | undefined;
  readonly batchable: boolean;
}

/**
 * The scheduling hints of a handle `backend` loaded, checked. Any backend's handle, not only core's managed one, and
 * on the main thread or in a worker alike: a bad hint is the backend's fault.
 *
 * @throws InferoxError `BACKEND_ERROR` naming the hint (`details.field`) and its value.
 */
export function handleHints(handle: ModelHandle, backend: string): HandleHints {
  const what = `the handle backend ${JSON.stringify(backend)} loaded`;
  try {
    return {
      runsInFlight: handle.runsInFlight === undefined ? undefined : checkRunsInFlight(handle.runsInFlight, what),
      batchable: checkBatchable(handle.batchable, handle.signature, what),
    };
  } catch (error) {
    throw new InferoxError(ErrorCode.BACKEND_ERROR, (error as Error).message, { cause: error, details: { backend, field: (error as InferoxError).details.field } });
  }
}
