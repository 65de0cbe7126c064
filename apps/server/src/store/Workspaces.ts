/**
 * Workspaces: creation with the first (master) device, reading the header row, deletion; and
 * the row lock and quota rule every write of a workspace's bytes goes through.
 */
import { QuotaExceeded, WorkspaceNotFound, type ServerFull } from "@quire/shared"
import { eq } from "drizzle-orm"
import { Effect } from "effect"
import { randomUUID } from "node:crypto"
import { Tokens } from "../auth/Tokens.js"
import { Database, type Tx } from "./Database.js"
import { workspaces } from "./schema.js"
import { ServerUsage, storedBytes } from "./ServerUsage.js"

export const notFound = () => new WorkspaceNotFound({ message: "No workspace with that id." })

/**
 * Locks the workspace row until the transaction ends. Every write that moves `head_seq`,
 * `bytes_used` or `change_count` takes it first, so seqs have no gaps, commits happen in seq
 * order, and the counters stay exact however many processes write.
 */
export const lockWorkspace = (tx: Tx, workspaceId: string) =>
  tx
    .select()
    .from(workspaces)
    .where(eq(workspaces.id, workspaceId))
    .for("update")
    .then(([row]) => row)

export const quotaExceeded = (quotaBytes: number, bytesUsed: number) =>
  new QuotaExceeded({
    message: `This workspace would use more than its ${quotaBytes} bytes; compact it or delete old data.`,
    quotaBytes,
    bytesUsed
  })

export class Workspaces extends Effect.Service<Workspaces>()("@quire/server/Workspaces", {
  effect: Effect.gen(function* () {
    const { query, transaction } = yield* Database
    const tokens = yield* Tokens
    const usage = yield* ServerUsage

    /** Refused with `ServerFull` when the server has no room left: an empty workspace is still a way in. */
    const create = (label: string | undefined) =>
      usage.claiming((claim) =>
        transaction<{ workspaceId: string; deviceId: string; masterToken: string }, ServerFull>(async (tx, abort) => {
          const full = await claim.ensureNotFull(() => storedBytes(tx))
          if (full) abort(full)
          const workspaceId = randomUUID()
          const deviceId = randomUUID()
          await tx.insert(workspaces).values({ id: workspaceId })
          const masterToken = await tokens.insert(tx, { workspaceId, role: "master", deviceId, label: label ?? "first device" })
          return { workspaceId, deviceId, masterToken }
        })
      )

    const get = (workspaceId: string) =>
      query((db) => db.select().from(workspaces).where(eq(workspaces.id, workspaceId))).pipe(
        Effect.flatMap(([row]) => (row ? Effect.succeed(row) : Effect.fail(notFound())))
      )

    /** Removes the workspace and, by cascade, its tokens, pairing codes, changes and blobs. */
    const remove = (workspaceId: string) =>
      query((db) => db.delete(workspaces).where(eq(workspaces.id, workspaceId)).returning({ bytesUsed: workspaces.bytesUsed })).pipe(
        Effect.flatMap(([row]) => (row ? usage.freed(row.bytesUsed) : Effect.fail(notFound())))
      )

    return { create, get, remove } as const
  })
}) {}
