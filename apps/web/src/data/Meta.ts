/** Typed records in the `meta` table. */
import type { Role } from "@quire/shared"
import type { QuireDb } from "./QuireDb.js"

export interface WorkspaceCredentials {
  readonly workspaceId: string
  readonly deviceId: string
  readonly token: string
  readonly role: Role
  /** The workspace key, base64url. It never leaves the device except in a share link or recovery kit. */
  readonly workspaceKey: string
  readonly serverUrl: string
}

interface MetaRecords {
  readonly workspace: WorkspaceCredentials
  /** The last server seq imported into `docs`. */
  readonly cursor: number
  /** Written once when the database is set up; its absence later means the browser evicted the data. */
  readonly sentinel: { readonly createdAt: number }
  /** Set when this device took the workspace over with a recovery kit: the old kit no longer works. */
  readonly kitOutdated: boolean
}

export type MetaKey = keyof MetaRecords

export const readMeta = async <K extends MetaKey>(db: QuireDb, key: K): Promise<MetaRecords[K] | undefined> =>
  (await db.meta.get(key))?.value as MetaRecords[K] | undefined

export const writeMeta = <K extends MetaKey>(db: QuireDb, key: K, value: MetaRecords[K]) => db.meta.put({ key, value })
