/** WebCrypto takes only ArrayBuffer-backed views; a view on a SharedArrayBuffer is copied. */
export const bufferSource = (bytes: Uint8Array): Uint8Array<ArrayBuffer> =>
  bytes.buffer instanceof ArrayBuffer ? (bytes as Uint8Array<ArrayBuffer>) : new Uint8Array(bytes)
