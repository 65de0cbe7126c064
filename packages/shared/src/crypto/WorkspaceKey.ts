/**
 * The 256-bit workspace key. It never leaves the devices: it travels in the share link's
 * fragment and the recovery kit as base64url.
 */
import { Data, Effect, Either, Encoding } from "effect"
import { bufferSource } from "../bytes/BufferSource.js"

export class InvalidWorkspaceKey extends Data.TaggedError("InvalidWorkspaceKey")<{ readonly message: string }> {}

const algorithm = { name: "AES-GCM", length: 256 } as const
const usages: Array<KeyUsage> = ["encrypt", "decrypt"]

/** A fresh random key. Extractable, so it can be shown in a share link and recovery kit. */
export const generateWorkspaceKey = Effect.promise(() => crypto.subtle.generateKey(algorithm, true, usages))

export const exportWorkspaceKey = (key: CryptoKey) =>
  Effect.promise(() => crypto.subtle.exportKey("raw", key)).pipe(Effect.map((raw) => Encoding.encodeBase64Url(new Uint8Array(raw))))

export const importWorkspaceKey = (text: string) =>
  Effect.gen(function* () {
    const raw = Encoding.decodeBase64Url(text.trim())
    if (Either.isLeft(raw)) return yield* new InvalidWorkspaceKey({ message: "The key is not valid base64url." })
    if (raw.right.length !== 32) {
      return yield* new InvalidWorkspaceKey({ message: `A workspace key is 32 bytes; this one is ${raw.right.length}.` })
    }
    return yield* Effect.promise(() => crypto.subtle.importKey("raw", bufferSource(raw.right), algorithm, true, usages))
  })
