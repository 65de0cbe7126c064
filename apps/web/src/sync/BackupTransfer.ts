/**
 * The two streamed calls of the contract, which the typed client would buffer whole: the
 * server backup download (read chunk by chunk, with progress) and the restore upload (the
 * file streams from disk as the request body). Paths come from the contract itself.
 */
import { protocolHeader, protocolVersion, QuireApi } from "@quire/shared"
import { Either } from "effect"
import type { WorkspaceCredentials } from "../data/Meta.js"
import type { Result } from "./SyncApi.js"
import { toSyncError } from "./SyncError.js"

/** The endpoint's path as the contract declares it (the API's prefix included). */
const pathOf = (endpoint: "download" | "restore", ws = "") => QuireApi.groups.backup!.endpoints[endpoint]!.path.replace(":ws", ws)

/** A failed response as a `SyncError`: the server's tagged error when it sent one. */
const failureOf = async (response: Response): Promise<Result<never>> => {
  const body: unknown = await response.json().catch(() => undefined)
  const tagged =
    typeof body === "object" && body !== null && "_tag" in body ? body : { _tag: "ResponseError", message: `HTTP ${response.status}` }
  return Either.left(toSyncError(tagged))
}

const attempt = async <A>(work: () => Promise<Result<A>>): Promise<Result<A>> => {
  try {
    return await work()
  } catch (error) {
    return Either.left(toSyncError({ _tag: "RequestError", message: String(error) }))
  }
}

/** Downloads the server backup, reporting the bytes received so far. */
export const downloadBackup = (credentials: WorkspaceCredentials, onProgress: (bytes: number) => void): Promise<Result<Blob>> =>
  attempt(async () => {
    const response = await fetch(credentials.serverUrl + pathOf("download", credentials.workspaceId), {
      headers: { authorization: `Bearer ${credentials.token}`, [protocolHeader]: String(protocolVersion) }
    })
    if (!response.ok || !response.body) return failureOf(response)
    const chunks: Array<Uint8Array<ArrayBuffer>> = []
    let bytes = 0
    const reader = response.body.getReader()
    for (;;) {
      const { done, value } = await reader.read()
      if (done) break
      chunks.push(value)
      bytes += value.length
      onProgress(bytes)
    }
    return Either.right(new Blob(chunks, { type: "application/octet-stream" }))
  })

/** Uploads a backup file as a new workspace; the body streams from the file. */
export const uploadRestore = (
  serverUrl: string,
  backup: Blob
): Promise<Result<{ workspaceId: string; deviceId: string; masterToken: string }>> =>
  attempt(async () => {
    const response = await fetch(serverUrl + pathOf("restore"), {
      method: "POST",
      headers: { "content-type": "application/octet-stream", [protocolHeader]: String(protocolVersion) },
      body: backup
    })
    if (!response.ok) return failureOf(response)
    return Either.right((await response.json()) as { workspaceId: string; deviceId: string; masterToken: string })
  })
