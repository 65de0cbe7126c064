/**
 * Keys derived from the workspace key with HKDF-SHA-256, one per purpose (`info`), so a key
 * shown to the server for one use says nothing about another:
 * - `quire/doc-key`: the HMAC key that names documents to the server. A change's `key` is
 *   `HMAC-SHA-256(docKeyKey, docId)` truncated to 16 bytes: the server can group a document's
 *   changes for compaction, never learn which document they belong to.
 */
import { Effect } from "effect"
import { bufferSource } from "../bytes/BufferSource.js"

export const docKeyInfo = "quire/doc-key"
export const docKeyLength = 16

const utf8 = new TextEncoder()

/** A non-extractable key for one purpose (`info`), derived from the (extractable) workspace key with HKDF-SHA-256. */
const deriveFromWorkspaceKey = (
  workspaceKey: CryptoKey,
  info: string,
  algorithm: HmacImportParams | AesKeyAlgorithm,
  usages: Array<KeyUsage>
) =>
  Effect.promise(async () => {
    const raw = await crypto.subtle.exportKey("raw", workspaceKey)
    const base = await crypto.subtle.importKey("raw", raw, "HKDF", false, ["deriveKey"])
    return crypto.subtle.deriveKey(
      { name: "HKDF", hash: "SHA-256", salt: new Uint8Array(0), info: utf8.encode(info) },
      base,
      algorithm,
      false,
      usages
    )
  })

/** An HMAC-SHA-256 key derived from the workspace key for one purpose. */
export const deriveHmacKey = (workspaceKey: CryptoKey, info: string) =>
  deriveFromWorkspaceKey(workspaceKey, info, { name: "HMAC", hash: "SHA-256", length: 256 }, ["sign"])

/** An AES-256-GCM key derived from the workspace key for one purpose. */
export const deriveAesKey = (workspaceKey: CryptoKey, info: string) =>
  deriveFromWorkspaceKey(workspaceKey, info, { name: "AES-GCM", length: 256 }, ["encrypt", "decrypt"])

/** The compaction key of document `docId`, as the server sees it. */
export const docKeyOf = (docKeyKey: CryptoKey, docId: string) =>
  Effect.promise(() => crypto.subtle.sign("HMAC", docKeyKey, bufferSource(utf8.encode(docId)))).pipe(
    Effect.map((mac) => new Uint8Array(mac, 0, docKeyLength).slice())
  )

/** Names documents for the server: derives the HMAC key once, then keys each document id. */
export const makeDocKeys = (workspaceKey: CryptoKey) =>
  Effect.map(deriveHmacKey(workspaceKey, docKeyInfo), (docKeyKey) => (docId: string) => docKeyOf(docKeyKey, docId))
