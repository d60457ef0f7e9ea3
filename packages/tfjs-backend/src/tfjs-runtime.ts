/** The TensorFlow.js runtimes the backend can run on, in the order `auto` tries them. */
export const TFJS_RUNTIMES = ['node-gpu', 'node', 'wasm', 'cpu'] as const;

/**
 * A TensorFlow.js runtime: `node-gpu` (`@tensorflow/tfjs-node-gpu`, CUDA), `node` (`@tensorflow/tfjs-node`,
 * libtensorflow on the CPU), `wasm` (`@tensorflow/tfjs-backend-wasm`) or `cpu` (`@tensorflow/tfjs-backend-cpu`, plain
 * JavaScript).
 */
export type TfjsRuntime = (typeof TFJS_RUNTIMES)[number];

/** A runtime to use, or `auto`: the first of {@link TFJS_RUNTIMES} that loads and initialises. */
export type TfjsRuntimeOption = TfjsRuntime | 'auto';
