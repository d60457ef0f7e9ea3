/**
 * @packageDocumentation
 * @inferox/text (being built).
 */
export {};
