/**
 * Starting and ending a workspace on this device: create one (a new key, POST /workspaces),
 * join one from a share link (POST /pair), or leave (wipe the local data, refused while
 * changes are unsynced unless the person confirms).
 */
import { exportWorkspaceKey, generateWorkspaceKey, importWorkspaceKey } from "@quire/shared"
import { Effect, Either } from "effect"
import { readMeta, writeMeta, type WorkspaceCredentials } from "../data/Meta.js"
import type { QuireDb } from "../data/QuireDb.js"
import { uploadRestore } from "./BackupTransfer.js"
import { makeAnonymousApi, type Result } from "./SyncApi.js"
import { parseShareLink } from "./ShareLink.js"
import type { SyncError } from "./SyncError.js"

const remember = async (db: QuireDb, credentials: WorkspaceCredentials) => {
  await db.transaction("rw", db.meta, async () => {
    await writeMeta(db, "workspace", credentials)
    await writeMeta(db, "cursor", 0)
    await writeMeta(db, "sentinel", { createdAt: Date.now() })
  })
  return credentials
}

const refuse = (message: string): Result<never> => Either.left({ kind: "auth", message } satisfies SyncError)

export const createWorkspace = async (db: QuireDb, serverUrl: string, deviceLabel: string): Promise<Result<WorkspaceCredentials>> => {
  if (await readMeta(db, "workspace")) return refuse("This device already holds a workspace; leave it first.")
  const key = await Effect.runPromise(generateWorkspaceKey)
  const workspaceKey = await Effect.runPromise(exportWorkspaceKey(key))
  const created = await makeAnonymousApi(serverUrl).createWorkspace(deviceLabel)
  if (Either.isLeft(created)) return Either.left(created.left)
  const { workspaceId, deviceId, masterToken } = created.right
  return Either.right(await remember(db, { workspaceId, deviceId, token: masterToken, role: "master", workspaceKey, serverUrl }))
}

export const joinWorkspace = async (db: QuireDb, link: string, deviceLabel: string): Promise<Result<WorkspaceCredentials>> => {
  if (await readMeta(db, "workspace")) return refuse("This device already holds a workspace; leave it first.")
  const parsed = parseShareLink(link)
  if (typeof parsed === "string") return refuse(`This is not a Quire share link (${parsed}).`)
  const key = await Effect.runPromise(Effect.either(importWorkspaceKey(parsed.key)))
  if (Either.isLeft(key)) return refuse(`The link's key is damaged: ${key.left.message}`)
  const paired = await makeAnonymousApi(parsed.serverUrl).pair(parsed.workspaceId, parsed.code, deviceLabel)
  if (Either.isLeft(paired)) return Either.left(paired.left)
  return Either.right(
    await remember(db, {
      workspaceId: parsed.workspaceId,
      deviceId: paired.right.deviceId,
      token: paired.right.deviceToken,
      role: "device",
      workspaceKey: parsed.key,
      serverUrl: parsed.serverUrl
    })
  )
}

/** Restores a server backup as a new workspace; the key (from the recovery kit) reads it. */
export const restoreWorkspace = async (db: QuireDb, serverUrl: string, backup: Blob, keyText: string): Promise<Result<WorkspaceCredentials>> => {
  if (await readMeta(db, "workspace")) return refuse("This device already holds a workspace; leave it first.")
  const key = await Effect.runPromise(Effect.either(importWorkspaceKey(keyText)))
  if (Either.isLeft(key)) return refuse(`That key is not valid: ${key.left.message}`)
  const restored = await uploadRestore(serverUrl, backup)
  if (Either.isLeft(restored)) return Either.left(restored.left)
  const { workspaceId, deviceId, masterToken } = restored.right
  return Either.right(await remember(db, { workspaceId, deviceId, token: masterToken, role: "master", workspaceKey: keyText.trim(), serverUrl }))
}

export type LeaveOutcome = { readonly left: true } | { readonly left: false; readonly unsynced: number }

/** Wipes the workspace from this device. With unsynced changes it refuses unless `force`. */
export const leaveWorkspace = async (db: QuireDb, { force = false } = {}): Promise<LeaveOutcome> => {
  const unsynced = await db.outbox.count()
  if (unsynced > 0 && !force) return { left: false, unsynced }
  await db.transaction("rw", db.tables, async () => {
    await Promise.all(db.tables.map((table) => table.clear()))
  })
  return { left: true }
}

/** The key of the workspace this device holds. */
export const workspaceKeyOf = (credentials: WorkspaceCredentials) => Effect.runPromise(importWorkspaceKey(credentials.workspaceKey))
