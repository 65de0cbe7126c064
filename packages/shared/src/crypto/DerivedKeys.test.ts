import { Effect } from "effect"
import { createHmac, hkdfSync } from "node:crypto"
import { describe, expect, it } from "vitest"
import { importWorkspaceKey } from "./WorkspaceKey.js"
import { docKeyInfo, makeDocKeys } from "./DerivedKeys.js"

const rawKey = Buffer.alloc(32, 7)

describe("document keys", () => {
  it("are HMAC-SHA-256 under an HKDF-derived key, truncated to 16 bytes (checked against node's OpenSSL)", async () => {
    const workspaceKey = await Effect.runPromise(importWorkspaceKey(rawKey.toString("base64url")))
    const keyOf = await Effect.runPromise(makeDocKeys(workspaceKey))
    const docKeyKey = Buffer.from(hkdfSync("sha256", rawKey, Buffer.alloc(0), docKeyInfo, 32))
    for (const docId of ["workspace", "0f8fad5b-d9cb-469f-a165-70867728950e", "ünïcode"]) {
      const expected = createHmac("sha256", docKeyKey).update(docId, "utf8").digest().subarray(0, 16)
      expect(Buffer.from(await Effect.runPromise(keyOf(docId)))).toEqual(expected)
    }
  })

  it("differ between documents and between workspaces", async () => {
    const keysOf = async (byte: number) =>
      Effect.runPromise(makeDocKeys(await Effect.runPromise(importWorkspaceKey(Buffer.alloc(32, byte).toString("base64url")))))
    const [a, b] = [await keysOf(1), await keysOf(2)]
    const [a1, a2, b1] = await Promise.all([Effect.runPromise(a("note-1")), Effect.runPromise(a("note-2")), Effect.runPromise(b("note-1"))])
    expect(a1).not.toEqual(a2)
    expect(a1).not.toEqual(b1)
  })
})
