/**
 * Starting and ending a workspace on this device: create one (a new key, POST /workspaces),
 * join one from a share link (POST /pair), restore one from a server backup, or leave (only
 * after the person has confirmed what would be lost, counted again as it is deleted).
 */
import { exportWorkspaceKey, generateWorkspaceKey, importWorkspaceKey } from "@quire/shared"
import { Effect, Either } from "effect"
import { writeMeta, type WorkspaceCredentials } from "../data/Meta.js"
import type { DeviceRegistry } from "../data/DeviceRegistry.js"
import type { QuireDb } from "../data/QuireDb.js"
import { uploadRestore } from "./BackupTransfer.js"
import { makeAnonymousApi, type Result } from "./SyncApi.js"
import { parseShareLink } from "./ShareLink.js"
import type { SyncError } from "./SyncError.js"

/** Stores the new workspace's credentials in its own database, then makes it this device's open one. */
export const rememberWorkspace = async (registry: DeviceRegistry, credentials: WorkspaceCredentials): Promise<OpenedWorkspace> => {
  const db = registry.open(credentials.workspaceId)
  await db.transaction("rw", db.meta, async () => {
    await writeMeta(db, "workspace", credentials)
    await writeMeta(db, "cursor", 0)
    await writeMeta(db, "sentinel", { createdAt: Date.now() })
  })
  await registry.setCurrent(credentials.workspaceId)
  return { credentials, db }
}

export interface OpenedWorkspace {
  readonly credentials: WorkspaceCredentials
  readonly db: QuireDb
}

const refuse = (message: string): Result<never> => Either.left({ kind: "auth", message } satisfies SyncError)

const alreadyHolding = async (registry: DeviceRegistry) =>
  (await registry.current()) === undefined ? undefined : refuse("This device already holds a workspace; leave it first.")

export const createWorkspace = async (
  registry: DeviceRegistry,
  serverUrl: string,
  deviceLabel: string
): Promise<Result<OpenedWorkspace>> => {
  const holding = await alreadyHolding(registry)
  if (holding) return holding
  const key = await Effect.runPromise(generateWorkspaceKey)
  const workspaceKey = await Effect.runPromise(exportWorkspaceKey(key))
  const created = await makeAnonymousApi(serverUrl).createWorkspace(deviceLabel)
  if (Either.isLeft(created)) return Either.left(created.left)
  const { workspaceId, deviceId, masterToken } = created.right
  return Either.right(
    await rememberWorkspace(registry, { workspaceId, deviceId, token: masterToken, role: "master", workspaceKey, serverUrl })
  )
}

export const joinWorkspace = async (registry: DeviceRegistry, link: string, deviceLabel: string): Promise<Result<OpenedWorkspace>> => {
  const holding = await alreadyHolding(registry)
  if (holding) return holding
  const parsed = parseShareLink(link)
  if (typeof parsed === "string") return refuse(`This is not a Quire share link (${parsed}).`)
  const key = await Effect.runPromise(Effect.either(importWorkspaceKey(parsed.key)))
  if (Either.isLeft(key)) return refuse(`The link's key is damaged: ${key.left.message}`)
  const paired = await makeAnonymousApi(parsed.serverUrl).pair(parsed.workspaceId, parsed.code, deviceLabel)
  if (Either.isLeft(paired)) return Either.left(paired.left)
  return Either.right(
    await rememberWorkspace(registry, {
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
export const restoreWorkspace = async (
  registry: DeviceRegistry,
  serverUrl: string,
  backup: Blob,
  keyText: string
): Promise<Result<OpenedWorkspace>> => {
  const holding = await alreadyHolding(registry)
  if (holding) return holding
  const key = await Effect.runPromise(Effect.either(importWorkspaceKey(keyText)))
  if (Either.isLeft(key)) return refuse(`That key is not valid: ${key.left.message}`)
  const restored = await uploadRestore(serverUrl, backup)
  if (Either.isLeft(restored)) return Either.left(restored.left)
  const { workspaceId, deviceId, masterToken } = restored.right
  return Either.right(
    await rememberWorkspace(registry, {
      workspaceId,
      deviceId,
      token: masterToken,
      role: "master",
      workspaceKey: keyText.trim(),
      serverUrl
    })
  )
}

/** What leaving would remove, for the person to confirm before anything is deleted. */
export interface LeaveCounts {
  /** Changes the server has not acknowledged: they exist nowhere else. */
  readonly unsynced: number
  /** Attached files not yet wholly on the server: their chunks exist nowhere else. */
  readonly unsyncedFiles: number
  /** Kept only on this device: changes it could not read, and documents as they were before a migration. */
  readonly localOnly: number
}

export const countLeaveLosses = async (db: QuireDb): Promise<LeaveCounts> => ({
  unsynced: await db.outbox.count(),
  unsyncedFiles: (await db.blobUploads.orderBy("fileId").uniqueKeys()).length,
  localOnly: (await db.quarantine.count()) + (await db.docBackups.count())
})

export type LeaveOutcome = { readonly left: true } | { readonly left: false; readonly counts: LeaveCounts }

/**
 * Removes the workspace from this device, once the person has seen `confirmed` and agreed.
 * Counts again inside the deleting transaction: if more would be lost than was confirmed (an
 * edit arrived meanwhile), it deletes nothing and returns the new counts to confirm. Changes
 * kept only here (quarantine, pre-migration backups) go only with `dropLocalOnly`; otherwise
 * the workspace's database keeps them, closed, and no other workspace can reach them. Stop
 * every sync worker of the workspace before calling this.
 */
export const leaveWorkspace = async (
  registry: DeviceRegistry,
  db: QuireDb,
  confirmed: LeaveCounts,
  { dropLocalOnly = false } = {}
): Promise<LeaveOutcome> => {
  const kept = dropLocalOnly ? [] : [db.quarantine.name, db.docBackups.name]
  let keptRows = 0
  const outcome = await db.transaction("rw", db.tables, async (): Promise<LeaveOutcome> => {
    const counts = await countLeaveLosses(db)
    const more = counts.unsynced > confirmed.unsynced || counts.unsyncedFiles > confirmed.unsyncedFiles
    if (more || (dropLocalOnly && counts.localOnly > confirmed.localOnly)) return { left: false, counts }
    await Promise.all(db.tables.filter((table) => !kept.includes(table.name)).map((table) => table.clear()))
    keptRows = dropLocalOnly ? 0 : counts.localOnly
    return { left: true }
  })
  if (!outcome.left) return outcome
  await registry.clearCurrent()
  if (keptRows === 0) await db.delete()
  else db.close()
  return outcome
}
/** The key of the workspace this device holds. */
export const workspaceKeyOf = (credentials: WorkspaceCredentials) => Effect.runPromise(importWorkspaceKey(credentials.workspaceKey))
