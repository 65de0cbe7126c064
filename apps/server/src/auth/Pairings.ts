/**
 * One-time pairing codes. Only a hash of the code is stored; redeeming marks it used in the
 * same transaction that issues the new device's token, so a code pairs exactly one device.
 * A code lives no longer than the token that made it (Tokens ends them together); redeeming
 * also checks that token, for a code made while its token was being revoked.
 */
import { Limits, PairingCodeInvalid, PairingCodeUsed, WorkspaceNotFound, type Caller } from "@quire/shared"
import { and, eq, sql } from "drizzle-orm"
import { Effect } from "effect"
import { createHash, randomBytes, randomUUID } from "node:crypto"
import { Database } from "../store/Database.js"
import { pairings, tokens as tokenRows, workspaces } from "../store/schema.js"
import { Tokens } from "./Tokens.js"

const hashCode = (code: string) => createHash("sha256").update(code, "utf8").digest("hex")

export class Pairings extends Effect.Service<Pairings>()("@quire/server/Pairings", {
  effect: Effect.gen(function* () {
    const { query, transaction } = yield* Database
    const tokens = yield* Tokens

    const create = (caller: Caller, ttlSeconds: number = Limits.defaultPairingTtlSeconds) =>
      Effect.gen(function* () {
        // 128 random bits: guessing is hopeless even without the rate limit on /pair.
        const code = randomBytes(16).toString("base64url")
        const [row] = yield* query((db) =>
          db
            .insert(pairings)
            .values({
              codeHash: hashCode(code),
              workspaceId: caller.workspaceId,
              createdByToken: caller.tokenId,
              expiresAt: sql`now() + make_interval(secs => ${ttlSeconds})`
            })
            .returning({ expiresAt: pairings.expiresAt })
        )
        return { code, expiresAt: row!.expiresAt }
      })

    const redeem = (request: { readonly workspaceId: string; readonly code: string; readonly label: string }) =>
      transaction<{ deviceId: string; deviceToken: string }, WorkspaceNotFound | PairingCodeInvalid | PairingCodeUsed>(
        async (tx, abort) => {
          const [workspace] = await tx.select({ id: workspaces.id }).from(workspaces).where(eq(workspaces.id, request.workspaceId))
          if (!workspace) abort(new WorkspaceNotFound({ message: "No workspace with that id." }))
          const [pairing] = await tx
            .select({
              redeemedAt: pairings.redeemedAt,
              expired: sql<boolean>`${pairings.expiresAt} <= now()`,
              creatorRevoked: sql<boolean>`${tokenRows.revokedAt} IS NOT NULL`
            })
            .from(pairings)
            .innerJoin(tokenRows, and(eq(tokenRows.workspaceId, pairings.workspaceId), eq(tokenRows.id, pairings.createdByToken)))
            .where(and(eq(pairings.workspaceId, request.workspaceId), eq(pairings.codeHash, hashCode(request.code))))
            .for("update", { of: pairings })
          if (!pairing) abort(new PairingCodeInvalid({ message: "This pairing code is not valid for that workspace." }))
          if (pairing!.redeemedAt !== null) {
            abort(new PairingCodeUsed({ message: "This pairing code was already used; create a new share link." }))
          }
          if (pairing!.expired) {
            abort(new PairingCodeInvalid({ message: "This pairing code has expired; create a new share link." }))
          }
          if (pairing!.creatorRevoked) {
            abort(new PairingCodeInvalid({ message: "The device that made this pairing code was removed; create a new share link." }))
          }
          await tx
            .update(pairings)
            .set({ redeemedAt: sql`now()` })
            .where(and(eq(pairings.workspaceId, request.workspaceId), eq(pairings.codeHash, hashCode(request.code))))
          const deviceId = randomUUID()
          const deviceToken = await tokens.insert(tx, {
            workspaceId: request.workspaceId,
            role: "device",
            deviceId,
            label: request.label
          })
          return { deviceId, deviceToken }
        }
      )

    return { create, redeem } as const
  })
}) {}
