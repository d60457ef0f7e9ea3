/**
 * @packageDocumentation
 * @inferox/hf-checkpoint (being built).
 */
export {};
