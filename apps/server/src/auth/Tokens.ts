/**
 * Bearer tokens: one row per token (its id is the JWT subject), checked on every request so
 * revocation takes effect at once.
 */
import { DeviceNotFound, MasterNotRevocable, TokenExpired, TokenRevoked, Unauthorized, type Caller, type Role } from "@quire/shared"
import { and, asc, eq, inArray, isNull, sql } from "drizzle-orm"
import { Effect, Either } from "effect"
import { randomUUID } from "node:crypto"
import { AppConfig } from "../config/AppConfig.js"
import { Database, type Tx } from "../store/Database.js"
import { pairings, tokens } from "../store/schema.js"
import { makeVerifier, signingKey, signToken } from "./Jwt.js"
import { resolveJwtSecret } from "./JwtSecret.js"
import { LastSeen, lastSeenResolution } from "./LastSeen.js"

export interface NewToken {
  readonly workspaceId: string
  readonly role: Role
  readonly deviceId: string
  readonly label: string
  readonly expiresAt?: Date
}

/** The token row as a request checks it: one prepared statement, times on the database's clock. */
const readTokenRow = {
  name: "quire-token-row",
  text: `SELECT role, device_id, revoked_at IS NOT NULL AS revoked, coalesce(expires_at <= now(), false) AS expired,
                coalesce(last_seen_at < now() - interval '${lastSeenResolution}', true) AS stale
         FROM tokens WHERE workspace_id = $1 AND id = $2`
}

interface TokenRow {
  readonly role: Role
  readonly device_id: string
  readonly revoked: boolean
  readonly expired: boolean
  readonly stale: boolean
}

const revoked = () => new TokenRevoked({ message: "This device was removed from the workspace." })

/** A revoked token's pairing codes die with it: whoever held the token must not keep a way in. */
const endPairingsCreatedBy = async (tx: Tx, workspaceId: string, tokenIds: ReadonlyArray<string>) => {
  if (tokenIds.length === 0) return
  await tx.delete(pairings).where(and(eq(pairings.workspaceId, workspaceId), inArray(pairings.createdByToken, [...tokenIds])))
}

const byId = (workspaceId: string, tokenId: string) => and(eq(tokens.workspaceId, workspaceId), eq(tokens.id, tokenId))

export class Tokens extends Effect.Service<Tokens>()("@quire/server/Tokens", {
  effect: Effect.gen(function* () {
    const config = yield* AppConfig
    const { query, transaction, pool } = yield* Database
    const lastSeen = yield* LastSeen
    const key = signingKey(yield* resolveJwtSecret(config.jwtSecret, config.dataDir))

    /** Inserts the token row inside `tx` and returns the signed JWT. */
    const insert = async (tx: Tx, spec: NewToken): Promise<string> => {
      const id = randomUUID()
      await tx.insert(tokens).values({ id, ...spec, expiresAt: spec.expiresAt ?? null })
      return signToken(key, {
        sub: id,
        ws: spec.workspaceId,
        role: spec.role,
        dev: spec.deviceId,
        ...(spec.expiresAt ? { exp: Math.floor(spec.expiresAt.getTime() / 1000) } : {})
      })
    }

    /** The token's claims, if it is one of ours: signed with our key and not expired. */
    const verifyToken = makeVerifier(key)
    const verify = (bearer: string) => {
      const verified = verifyToken(bearer)
      if (Either.isRight(verified)) {
        const claims = verified.right
        return Effect.succeed<Caller>({ tokenId: claims.sub, workspaceId: claims.ws, role: claims.role, deviceId: claims.dev })
      }
      return Effect.fail(
        verified.left === "expired"
          ? new TokenExpired({ message: "This token has expired; pair the device again." })
          : new Unauthorized({ message: "The bearer token is not valid." })
      )
    }

    /** The caller's token row: there, matching its claims, neither revoked nor expired. */
    const checkRow = (caller: Caller) =>
      Effect.gen(function* () {
        const {
          rows: [row]
        } = yield* Effect.promise(() => pool.query<TokenRow>({ ...readTokenRow, values: [caller.workspaceId, caller.tokenId] }))
        if (!row || row.role !== caller.role || row.device_id !== caller.deviceId) {
          return yield* new TokenRevoked({ message: "This token is no longer known: it was revoked or its workspace deleted." })
        }
        if (row.revoked) return yield* revoked()
        if (row.expired) return yield* new TokenExpired({ message: "This token has expired; pair the device again." })
        if (row.stale) yield* lastSeen.seen(caller.workspaceId, caller.tokenId)
      })

    const authenticate = (bearer: string) => Effect.tap(verify(bearer), checkRow)

    /** Every token of the workspace, with last-seen times written out first. */
    const list = (workspaceId: string) =>
      Effect.zipRight(
        lastSeen.flush,
        query((db) => db.select().from(tokens).where(eq(tokens.workspaceId, workspaceId)).orderBy(asc(tokens.createdAt), asc(tokens.id)))
      )

    const revoke = (workspaceId: string, tokenId: string) =>
      transaction<void, DeviceNotFound | MasterNotRevocable>(async (tx, abort) => {
        const [row] = await tx.select().from(tokens).where(byId(workspaceId, tokenId)).for("update")
        if (!row) abort(new DeviceNotFound({ message: "No device with that token id in this workspace." }))
        if (row!.role === "master") {
          abort(new MasterNotRevocable({ message: "The master token cannot be removed as a device; rotate it instead." }))
        }
        if (row!.revokedAt === null)
          await tx
            .update(tokens)
            .set({ revokedAt: sql`now()` })
            .where(byId(workspaceId, tokenId))
        await endPairingsCreatedBy(tx, workspaceId, [tokenId])
      })

    /**
     * Revokes every master token of the workspace (and their pairing codes) and issues a new
     * one for `deviceId`. The caller's row is locked and re-read first: of concurrent calls with
     * one token, the first revokes it and the others find it revoked (401), so exactly one wins.
     */
    const replaceMaster = (caller: Caller, next: { readonly deviceId: string; readonly label?: string }) =>
      transaction<string, TokenRevoked>(async (tx, abort) => {
        const [current] = await tx.select().from(tokens).where(byId(caller.workspaceId, caller.tokenId)).for("update")
        if (!current || current.revokedAt !== null) return abort(revoked())
        const ended = await tx
          .update(tokens)
          .set({ revokedAt: sql`now()` })
          .where(and(eq(tokens.workspaceId, caller.workspaceId), eq(tokens.role, "master"), isNull(tokens.revokedAt)))
          .returning({ id: tokens.id })
        await endPairingsCreatedBy(
          tx,
          caller.workspaceId,
          ended.map((row) => row.id)
        )
        return insert(tx, { workspaceId: caller.workspaceId, role: "master", deviceId: next.deviceId, label: next.label ?? current.label })
      })

    /** A new master token for the same device; the old one stops working. */
    const rotateMaster = (caller: Caller) => replaceMaster(caller, { deviceId: caller.deviceId })

    /**
     * The recovery kit's way in: a new device id becomes the master, so its edits never share
     * clientSeqs with the old master device, which finds itself removed.
     */
    const recoverMaster = (caller: Caller, label: string) =>
      Effect.gen(function* () {
        const deviceId = randomUUID()
        const masterToken = yield* replaceMaster(caller, { deviceId, label })
        return { masterToken, deviceId }
      })

    return { insert, verify, checkRow, authenticate, list, revoke, rotateMaster, recoverMaster } as const
  })
}) {}
