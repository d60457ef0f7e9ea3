/**
 * @packageDocumentation
 * @inferox/server (being built).
 */
export {};
