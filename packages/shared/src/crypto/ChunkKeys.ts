/**
 * Keys for attachment chunks (DESIGN.md, Attachments), both derived from the workspace key
 * with HKDF-SHA-256:
 * - `quire/blob`: the AES-256-GCM key a chunk is sealed with (`sealBlob`/`openBlob`);
 * - `quire/blob-id`: the HMAC key that names a chunk. Its id is `HMAC-SHA-256(blobIdKey, chunk)`
 *   truncated to 16 bytes, base64url: the same chunk is stored once, and the server, which has
 *   no key, cannot confirm a guessed file by computing its ids.
 */
import { Effect, Encoding } from "effect"
import { bufferSource } from "../bytes/BufferSource.js"
import { openBlob, sealBlob, type EnvelopeTampered } from "./BlobCipher.js"
import { deriveAesKey, deriveHmacKey } from "./DerivedKeys.js"

export const chunkSealInfo = "quire/blob"
export const chunkIdInfo = "quire/blob-id"
export const chunkIdLength = 16
/** A file is cut into chunks of this many bytes (the last may be shorter). */
export const chunkBytes = 1024 * 1024

export interface ChunkKeys {
  /** The chunk's id, as the server stores it. */
  readonly idOf: (chunk: Uint8Array) => Promise<string>
  readonly seal: (chunk: Uint8Array) => Promise<Uint8Array>
  /** Opens a sealed chunk; fails with `EnvelopeTampered` if it was altered or is another workspace's. */
  readonly open: (sealed: Uint8Array) => Effect.Effect<Uint8Array, EnvelopeTampered>
}

export const makeChunkKeys = (workspaceKey: CryptoKey) =>
  Effect.map(
    Effect.all([deriveAesKey(workspaceKey, chunkSealInfo), deriveHmacKey(workspaceKey, chunkIdInfo)]),
    ([sealKey, idKey]): ChunkKeys => ({
      idOf: async (chunk) => {
        const mac = await crypto.subtle.sign("HMAC", idKey, bufferSource(chunk))
        return Encoding.encodeBase64Url(new Uint8Array(mac, 0, chunkIdLength))
      },
      seal: (chunk) => Effect.runPromise(sealBlob(sealKey, chunk)),
      open: (sealed) => openBlob(sealKey, sealed)
    })
  )
