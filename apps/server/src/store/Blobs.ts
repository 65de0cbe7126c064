/**
 * Blobs: sealed attachment chunks, content-addressed by the client (the id is an HMAC of the
 * plaintext chunk), opaque here. Storing an id twice with the same bytes is a no-op, with
 * other bytes a conflict; their bytes count in the workspace's quota like changes do.
 */
import { BlobConflict, BlobNotFound, type QuotaExceeded, type ServerFull, type WorkspaceNotFound } from "@quire/shared"
import { and, eq, inArray, sql } from "drizzle-orm"
import { Effect } from "effect"
import { AppConfig } from "../config/AppConfig.js"
import { Database } from "./Database.js"
import { blobs, workspaces } from "./schema.js"
import { ServerUsage, storedBytes } from "./ServerUsage.js"
import { lockWorkspace, notFound, quotaExceeded } from "./Workspaces.js"

const idKey = (id: Uint8Array) => Buffer.from(id.buffer, id.byteOffset, id.byteLength).toString("base64url")

export class Blobs extends Effect.Service<Blobs>()("@quire/server/Blobs", {
  effect: Effect.gen(function* () {
    const { query, transaction } = yield* Database
    const { workspaceQuotaBytes } = yield* AppConfig
    const usage = yield* ServerUsage

    /**
     * "new" when stored now, "already" when the same bytes were there. The bytes cross to the
     * database once: inserted, and compared (in the database, so the stored bytes never travel
     * back) only when the id turns out to be taken. A write over a quota asks first, since the
     * same bytes again are "already" even then.
     */
    const put = (workspaceId: string, id: Uint8Array, data: Uint8Array) =>
      usage.claiming((claim) =>
        transaction<"new" | "already", WorkspaceNotFound | QuotaExceeded | ServerFull | BlobConflict>(async (tx, abort) => {
          const workspace = await lockWorkspace(tx, workspaceId)
          if (!workspace) return abort(notFound())
          const held = async () => {
            const [existing] = await tx
              .select({ same: sql<boolean>`${blobs.data} = ${Buffer.from(data.buffer, data.byteOffset, data.byteLength)}` })
              .from(blobs)
              .where(and(eq(blobs.workspaceId, workspaceId), eq(blobs.id, id)))
            if (!existing) return undefined
            return existing.same
              ? "already"
              : abort(new BlobConflict({ message: "A blob with this id is already stored with other bytes." }))
          }
          const bytesUsed = workspace.bytesUsed + data.length
          if (bytesUsed > workspaceQuotaBytes) return (await held()) ?? abort(quotaExceeded(workspaceQuotaBytes, workspace.bytesUsed))
          const full = await claim.take(data.length, () => storedBytes(tx))
          if (full) return (await held()) ?? abort(full)
          const [inserted] = await tx
            .insert(blobs)
            .values({ workspaceId, id, size: data.length, data })
            .onConflictDoNothing()
            .returning({ size: blobs.size })
          if (!inserted) {
            await claim.take(0, () => storedBytes(tx))
            return (await held())!
          }
          await tx.update(workspaces).set({ bytesUsed }).where(eq(workspaces.id, workspaceId))
          return "new"
        })
      )

    /**
     * Read as base64 text: the driver takes bytea as hex text, twice the blob's size through the
     * database's output, the socket and the parser; base64 is a third more than the blob.
     */
    const get = (workspaceId: string, id: Uint8Array) =>
      query((db) =>
        db
          .select({ data: sql<string>`encode(${blobs.data}, 'base64')` })
          .from(blobs)
          .where(and(eq(blobs.workspaceId, workspaceId), eq(blobs.id, id)))
      ).pipe(
        Effect.flatMap(([row]) =>
          row
            ? // Postgres breaks base64 into lines; Node's decoder skips the line breaks.
              Effect.succeed(Buffer.from(row.data, "base64"))
            : Effect.fail(new BlobNotFound({ message: "No blob with that id in this workspace." }))
        )
      )

    /** Which of `ids` this workspace lacks, in the order asked, each once. */
    const missing = (workspaceId: string, ids: ReadonlyArray<Uint8Array>) =>
      Effect.gen(function* () {
        if (ids.length === 0) return []
        const present = yield* query((db) =>
          db
            .select({ id: blobs.id })
            .from(blobs)
            .where(and(eq(blobs.workspaceId, workspaceId), inArray(blobs.id, [...ids])))
        )
        const seen = new Set(present.map((row) => idKey(row.id)))
        return ids.filter((id) => {
          const key = idKey(id)
          if (seen.has(key)) return false
          seen.add(key)
          return true
        })
      })

    /** Deleting what is not there succeeds too: the caller wants it gone, and it is. */
    const remove = (workspaceId: string, id: Uint8Array) =>
      transaction<number, WorkspaceNotFound>(async (tx, abort) => {
        const workspace = await lockWorkspace(tx, workspaceId)
        if (!workspace) return abort(notFound())
        const [gone] = await tx
          .delete(blobs)
          .where(and(eq(blobs.workspaceId, workspaceId), eq(blobs.id, id)))
          .returning({ size: blobs.size })
        if (!gone) return 0
        await tx
          .update(workspaces)
          .set({ bytesUsed: workspace.bytesUsed - gone.size })
          .where(eq(workspaces.id, workspaceId))
        return gone.size
      }).pipe(Effect.flatMap(usage.freed))

    return { put, get, missing, remove } as const
  })
}) {}
