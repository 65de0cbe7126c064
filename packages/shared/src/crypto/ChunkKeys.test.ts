import { Effect, Either } from "effect"
import { createHmac, hkdfSync } from "node:crypto"
import { describe, expect, it } from "vitest"
import { chunkIdInfo, makeChunkKeys } from "./ChunkKeys.js"
import { importWorkspaceKey } from "./WorkspaceKey.js"

const rawKey = Buffer.alloc(32, 9)
const keysOf = async (raw: Buffer) =>
  Effect.runPromise(makeChunkKeys(await Effect.runPromise(importWorkspaceKey(raw.toString("base64url")))))

describe("chunk keys", () => {
  it("name a chunk by HMAC-SHA-256 under an HKDF-derived key, 16 bytes, base64url (checked against node's OpenSSL)", async () => {
    const keys = await keysOf(rawKey)
    const idKey = Buffer.from(hkdfSync("sha256", rawKey, Buffer.alloc(0), chunkIdInfo, 32))
    const chunk = new TextEncoder().encode("a chunk of a file")
    const expected = createHmac("sha256", idKey).update(chunk).digest().subarray(0, 16).toString("base64url")
    expect(await keys.idOf(chunk)).toBe(expected)
  })

  it("give the same chunk the same id, and another workspace another id", async () => {
    const [a, b] = [await keysOf(rawKey), await keysOf(Buffer.alloc(32, 10))]
    const chunk = new Uint8Array([1, 2, 3])
    expect(await a.idOf(chunk)).toBe(await a.idOf(new Uint8Array([1, 2, 3])))
    expect(await a.idOf(chunk)).not.toBe(await b.idOf(chunk))
  })

  it("seal so that only the same workspace opens, and refuse a changed byte", async () => {
    const [a, b] = [await keysOf(rawKey), await keysOf(Buffer.alloc(32, 10))]
    const chunk = new Uint8Array([5, 6, 7, 8])
    const sealed = await a.seal(chunk)
    expect(Buffer.from(sealed).includes(Buffer.from(chunk))).toBe(false)
    expect(await Effect.runPromise(a.open(sealed))).toEqual(chunk)
    expect(Either.isLeft(await Effect.runPromise(Effect.either(b.open(sealed))))).toBe(true)
    const changed = sealed.slice()
    changed[changed.length - 1]! ^= 1
    const refused = await Effect.runPromise(Effect.either(a.open(changed)))
    expect(Either.isLeft(refused) && refused.left._tag).toBe("EnvelopeTampered")
  })
})
