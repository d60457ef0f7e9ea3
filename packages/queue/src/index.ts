/**
 * @packageDocumentation
 * @inferox/queue (being built).
 */
export {};
