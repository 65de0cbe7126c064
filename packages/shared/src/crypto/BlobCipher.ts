/**
 * Sealing envelopes for the server: `version u8 ‖ nonce (12 bytes) ‖ AES-256-GCM ciphertext`.
 * The version byte is authenticated as additional data, so it cannot be swapped unnoticed.
 */
import { Data, Effect } from "effect"
import { bufferSource } from "../bytes/BufferSource.js"

export const blobVersion = 1
const nonceLength = 12
const tagLength = 16

export class EnvelopeTampered extends Data.TaggedError("EnvelopeTampered")<{ readonly message: string }> {}

const header = new Uint8Array([blobVersion])

/** Encrypts `plaintext`. `nonce` is for test vectors only; by default a random one is drawn. */
export const sealBlob = (key: CryptoKey, plaintext: Uint8Array, nonce: Uint8Array = crypto.getRandomValues(new Uint8Array(nonceLength))) =>
  Effect.promise(() =>
    crypto.subtle.encrypt({ name: "AES-GCM", iv: bufferSource(nonce), additionalData: header }, key, bufferSource(plaintext))
  ).pipe(
    Effect.map((ciphertext) => {
      const blob = new Uint8Array(1 + nonceLength + ciphertext.byteLength)
      blob.set(header, 0)
      blob.set(nonce, 1)
      blob.set(new Uint8Array(ciphertext), 1 + nonceLength)
      return blob
    })
  )

const tamperedHow = (blob: Uint8Array): string | undefined => {
  if (blob.length < 1 + nonceLength + tagLength)
    return `A sealed blob is at least ${1 + nonceLength + tagLength} bytes; this one is ${blob.length}.`
  if (blob[0] !== blobVersion) return `Blob version ${blob[0]} is not one this app reads (${blobVersion}).`
  return undefined
}

/**
 * `openBlob` as a promise that rejects with `EnvelopeTampered`: for opening thousands of blobs
 * at once (a first pull), where running an Effect for each costs more than its decryption.
 */
export const openBlobPromise = async (key: CryptoKey, blob: Uint8Array): Promise<Uint8Array> => {
  const tampered = tamperedHow(blob)
  if (tampered !== undefined) throw new EnvelopeTampered({ message: tampered })
  try {
    return new Uint8Array(
      await crypto.subtle.decrypt(
        { name: "AES-GCM", iv: bufferSource(blob.subarray(1, 1 + nonceLength)), additionalData: header },
        key,
        bufferSource(blob.subarray(1 + nonceLength))
      )
    )
  } catch {
    throw new EnvelopeTampered({ message: "The blob does not decrypt with this workspace key: it was altered or the key is wrong." })
  }
}

/** Decrypts a sealed blob; a wrong key, a changed byte or an unknown version is `EnvelopeTampered`. */
export const openBlob = (key: CryptoKey, blob: Uint8Array) =>
  Effect.tryPromise({
    try: () => openBlobPromise(key, blob),
    catch: (error) => (error instanceof EnvelopeTampered ? error : new EnvelopeTampered({ message: String(error) }))
  })
