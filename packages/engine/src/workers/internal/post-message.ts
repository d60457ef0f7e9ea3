/** Anything with `postMessage(message, transfer)`: a Worker, a MessagePort, `parentPort`. */
export interface Postable {
  postMessage(message: unknown, transfer?: readonly ArrayBuffer[]): void;
}

/**
 * Posts `message`, moving the buffers in `transfer`. When `postMessage` refuses the transfer list (Node ≥ 21 throws
 * `DataCloneError` for a buffer marked untransferable, such as native addon memory) it throws before anything is
 * detached; the message is then posted again as a plain structured clone (a copy).
 */
export function postWithTransfer(target: Postable, message: unknown, transfer: readonly ArrayBuffer[]): void {
  if (transfer.length > 0) {
    try {
      target.postMessage(message, transfer);
      return;
    } catch {
      // fall through: copy instead of move
    }
  }
  target.postMessage(message);
}
