/** Workspaces: creation with the first (master) device, reading the header row, deletion. */
import { WorkspaceNotFound } from "@quire/shared"
import { eq } from "drizzle-orm"
import { Effect } from "effect"
import { randomUUID } from "node:crypto"
import { Tokens } from "../auth/Tokens.js"
import { Database } from "./Database.js"
import { workspaces } from "./schema.js"

export const notFound = () => new WorkspaceNotFound({ message: "No workspace with that id." })

export class Workspaces extends Effect.Service<Workspaces>()("@quire/server/Workspaces", {
  effect: Effect.gen(function* () {
    const { query, transaction } = yield* Database
    const tokens = yield* Tokens

    const create = (label: string | undefined) =>
      transaction(async (tx) => {
        const workspaceId = randomUUID()
        const deviceId = randomUUID()
        await tx.insert(workspaces).values({ id: workspaceId })
        const masterToken = await tokens.insert(tx, { workspaceId, role: "master", deviceId, label: label ?? "first device" })
        return { workspaceId, deviceId, masterToken }
      })

    const get = (workspaceId: string) =>
      query((db) => db.select().from(workspaces).where(eq(workspaces.id, workspaceId))).pipe(
        Effect.flatMap(([row]) => (row ? Effect.succeed(row) : Effect.fail(notFound())))
      )

    /** Removes the workspace and, by cascade, its tokens, pairings, changes and snapshots. */
    const remove = (workspaceId: string) =>
      query((db) => db.delete(workspaces).where(eq(workspaces.id, workspaceId)).returning({ id: workspaces.id })).pipe(
        Effect.flatMap(([row]) => (row ? Effect.void : Effect.fail(notFound())))
      )

    return { create, get, remove } as const
  })
}) {}
