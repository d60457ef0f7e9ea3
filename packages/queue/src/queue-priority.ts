import type { Priority } from '@inferox/engine';

/**
 * Engine priorities as BullMQ job priorities (lower runs first; every job gets one, so none lands in BullMQ's
 * unprioritised wait list, which would jump ahead of them). Jobs of one priority start in the order they were added.
 */
export const BULLMQ_PRIORITY: Readonly<Record<Priority, number>> = { critical: 1, high: 2, normal: 3, low: 4 };
