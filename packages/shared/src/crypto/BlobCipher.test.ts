import { Effect, Exit } from "effect"
import { describe, expect, it } from "vitest"
import { openBlob, sealBlob } from "./BlobCipher.js"
import { exportWorkspaceKey, generateWorkspaceKey, importWorkspaceKey } from "./WorkspaceKey.js"

// Key of 32 × 0x11, nonce 00…0b; computed independently with node's OpenSSL AES-256-GCM, AAD = 01.
const vectorKey = "ERERERERERERERERERERERERERERERERERERERERERE"
const vectorNonce = Uint8Array.from({ length: 12 }, (_, i) => i)
const vectorPlaintext = "Quire test vector"
const vectorBlob = "01000102030405060708090a0b4296df611e83419167ccf3e9a1cc8349bbf906aac80d9a5cf4f3fccbb20d2bada4"

const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString("hex")
const run = <A, E>(effect: Effect.Effect<A, E>) => Effect.runPromise(effect)
const failureTag = async <A, E extends { _tag: string }>(effect: Effect.Effect<A, E>) => {
  const exit = await Effect.runPromiseExit(effect)
  return Exit.isFailure(exit) && exit.cause._tag === "Fail" ? exit.cause.error._tag : "no typed failure"
}

describe("BlobCipher", () => {
  it("seals the fixed test vector byte for byte", async () => {
    const key = await run(importWorkspaceKey(vectorKey))
    const blob = await run(sealBlob(key, new TextEncoder().encode(vectorPlaintext), vectorNonce))
    expect(hex(blob)).toBe(vectorBlob)
  })

  it("opens the fixed test vector", async () => {
    const key = await run(importWorkspaceKey(vectorKey))
    const plaintext = await run(openBlob(key, new Uint8Array(Buffer.from(vectorBlob, "hex"))))
    expect(new TextDecoder().decode(plaintext)).toBe(vectorPlaintext)
  })

  it("draws a fresh nonce for every blob", async () => {
    const key = await run(generateWorkspaceKey)
    const a = await run(sealBlob(key, new Uint8Array([1, 2, 3])))
    const b = await run(sealBlob(key, new Uint8Array([1, 2, 3])))
    expect(hex(a.subarray(1, 13))).not.toBe(hex(b.subarray(1, 13)))
    expect(await run(openBlob(key, a))).toEqual(new Uint8Array([1, 2, 3]))
  })

  it("refuses any changed byte, a wrong key, a short blob or another version as EnvelopeTampered", async () => {
    const key = await run(importWorkspaceKey(vectorKey))
    const blob = new Uint8Array(Buffer.from(vectorBlob, "hex"))
    for (const index of [0, 1, 13, blob.length - 1]) {
      const changed = blob.slice()
      changed[index] = changed[index]! ^ 0x01
      expect(await failureTag(openBlob(key, changed)), `byte ${index}`).toBe("EnvelopeTampered")
    }
    const otherKey = await run(generateWorkspaceKey)
    expect(await failureTag(openBlob(otherKey, blob))).toBe("EnvelopeTampered")
    expect(await failureTag(openBlob(key, blob.subarray(0, 20)))).toBe("EnvelopeTampered")
  })
})

describe("WorkspaceKey", () => {
  it("exports as 43 base64url characters and imports back to the same key", async () => {
    const key = await run(generateWorkspaceKey)
    const text = await run(exportWorkspaceKey(key))
    expect(text).toMatch(/^[A-Za-z0-9_-]{43}$/)
    const again = await run(importWorkspaceKey(text))
    const sealed = await run(sealBlob(key, new Uint8Array([42])))
    expect(await run(openBlob(again, sealed))).toEqual(new Uint8Array([42]))
  })

  it("refuses text that is not a 256-bit base64url key", async () => {
    for (const bad of ["", "not base64 !!", "AAAA", `${vectorKey}AAAA`]) {
      expect(await failureTag(importWorkspaceKey(bad)), bad).toBe("InvalidWorkspaceKey")
    }
  })
})
