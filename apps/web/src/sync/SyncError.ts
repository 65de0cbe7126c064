/**
 * Why syncing stopped, as the status shows it: typed by what the person can do about it.
 * - auth: this device was removed, or its token is no longer valid: pair it again.
 * - quota: the workspace is full on the server.
 * - version: the server and this app disagree on the protocol: update the app.
 * - network: the server cannot be reached (offline); retried with backoff.
 * - server: the server failed; retried with backoff.
 * - device: this device failed to store or read something (storage full, a bug); retried with backoff.
 */
import type { SyncErrorData, SyncErrorKind as SyncErrorKindSchema } from "./SyncStatus.js"
import { messageOf } from "../messageOf.js"

export type SyncErrorKind = typeof SyncErrorKindSchema.Type

/** Plain data (it crosses to every tab); `tag` is the server's error tag, when it sent one. */
export type SyncError = typeof SyncErrorData.Type

/** Whether trying again later can help without this device doing anything (a full workspace can be cleaned up elsewhere). */
export const isRetryable = (error: SyncError) => error.kind !== "auth" && error.kind !== "version"

/** A failure on this device, thrown anywhere in a round (IndexedDB, Loro, a migration). */
export const deviceFailure = (thrown: unknown): SyncError => {
  const name = thrown instanceof Error ? thrown.name : typeof thrown
  const detail = messageOf(thrown)
  if (name === "QuotaExceededError" || /quota/i.test(detail)) {
    return { kind: "device", message: "This device's storage is full: free some space; syncing resumes by itself.", tag: name }
  }
  return { kind: "device", message: `Syncing failed on this device (${name}: ${detail}); it is retried.`, tag: name }
}

const authTags = new Set(["Unauthorized", "TokenRevoked", "TokenExpired", "Forbidden", "WorkspaceNotFound"])
const quotaTags = new Set(["QuotaExceeded", "PayloadTooLarge"])
const versionTags = new Set(["HttpApiDecodeError", "MalformedBody", "RouteNotFound", "ProtocolMismatch"])

/** Classifies whatever an API call failed with. */
export const toSyncError = (failure: unknown): SyncError => {
  const tag = typeof failure === "object" && failure !== null && "_tag" in failure ? String(failure._tag) : undefined
  const message =
    typeof failure === "object" && failure !== null && "message" in failure && typeof failure.message === "string" && failure.message
      ? failure.message
      : String(failure)
  if (tag === undefined) return { kind: "server", message }
  if (authTags.has(tag)) return { kind: "auth", message, tag }
  if (quotaTags.has(tag)) return { kind: "quota", message, tag }
  if (versionTags.has(tag)) return { kind: "version", message: `This app and the server disagree (${message}). Update the app.`, tag }
  if (tag === "RequestError") return { kind: "network", message: "The server cannot be reached.", tag }
  if (tag === "ResponseError") return { kind: "server", message: `The server answered unexpectedly: ${message}`, tag }
  if (tag === "ParseError") return { kind: "version", message: "The server's answer could not be read. Update the app.", tag }
  return { kind: "server", message, tag }
}
