/**
 * Whole-workspace backup and restore, in the binary format of `@quire/shared`'s BackupCodec.
 * The bytes stay ciphertext: a restore creates a new workspace with the same log, readable
 * only by whoever holds the workspace key.
 */
import { decodeBackup, encodeBackup, InvalidBackup, type QuotaExceeded } from "@quire/shared"
import { asc, eq } from "drizzle-orm"
import { Effect, Either } from "effect"
import { randomUUID } from "node:crypto"
import { Tokens } from "../auth/Tokens.js"
import { AppConfig } from "../config/AppConfig.js"
import { insertChanges, quotaExceeded } from "./ChangeLog.js"
import { Database } from "./Database.js"
import { changes, snapshots, workspaces } from "./schema.js"
import { notFound } from "./Workspaces.js"

export class Backups extends Effect.Service<Backups>()("@quire/server/Backups", {
  effect: Effect.gen(function* () {
    const { transaction } = yield* Database
    const { workspaceQuotaBytes } = yield* AppConfig
    const tokens = yield* Tokens

    const download = (workspaceId: string) =>
      transaction(
        async (tx, abort: (error: ReturnType<typeof notFound>) => never) => {
          const [workspace] = await tx.select().from(workspaces).where(eq(workspaces.id, workspaceId))
          if (!workspace) return abort(notFound())
          const [snapshot] = await tx
            .select({ seq: snapshots.seq, data: snapshots.data })
            .from(snapshots)
            .where(eq(snapshots.workspaceId, workspaceId))
          const log = await tx
            .select({ seq: changes.seq, deviceId: changes.deviceId, clientSeq: changes.clientSeq, data: changes.data })
            .from(changes)
            .where(eq(changes.workspaceId, workspaceId))
            .orderBy(asc(changes.seq))
          return encodeBackup({ headSeq: workspace.headSeq, snapshot: snapshot ?? null, changes: log })
        },
        { isolationLevel: "repeatable read", accessMode: "read only" }
      )

    const restore = (file: Uint8Array) =>
      Effect.gen(function* () {
        const decoded = decodeBackup(file)
        if (Either.isLeft(decoded)) return yield* new InvalidBackup({ message: decoded.left.message })
        const backup = decoded.right
        const bytesUsed = (backup.snapshot?.data.length ?? 0) + backup.changes.reduce((sum, c) => sum + c.data.length, 0)
        if (bytesUsed > workspaceQuotaBytes) return yield* quotaExceeded(workspaceQuotaBytes, 0)
        return yield* transaction<{ workspaceId: string; deviceId: string; masterToken: string }, QuotaExceeded>(async (tx) => {
          const workspaceId = randomUUID()
          const deviceId = randomUUID()
          await tx.insert(workspaces).values({
            id: workspaceId,
            headSeq: backup.headSeq,
            snapshotSeq: backup.snapshot?.seq ?? 0,
            bytesUsed
          })
          if (backup.snapshot) await tx.insert(snapshots).values({ workspaceId, ...backup.snapshot })
          await insertChanges(
            tx,
            backup.changes.map((change) => ({ workspaceId, ...change }))
          )
          const masterToken = await tokens.insert(tx, { workspaceId, role: "master", deviceId, label: "restored device" })
          return { workspaceId, deviceId, masterToken }
        })
      })

    return { download, restore } as const
  })
}) {}
