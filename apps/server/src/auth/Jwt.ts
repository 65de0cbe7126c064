/**
 * Signing and verifying bearer tokens: HS256 only, claims `{ sub: tokenId, ws, role, dev }`.
 * Verification pins the algorithm, so `alg: none` and asymmetric tricks are rejected.
 */
import { Either, Schema } from "effect"
import jwt from "jsonwebtoken"
import { Role } from "@quire/shared"

export const TokenClaims = Schema.Struct({
  sub: Schema.UUID,
  ws: Schema.UUID,
  role: Role,
  dev: Schema.UUID,
  exp: Schema.optional(Schema.Number)
})
export type TokenClaims = typeof TokenClaims.Type

const decodeClaims = Schema.decodeUnknownEither(TokenClaims)

export const signToken = (secret: string, claims: TokenClaims): string => {
  const { exp, ...rest } = claims
  return jwt.sign(exp === undefined ? rest : { ...rest, exp }, secret, { algorithm: "HS256", noTimestamp: false })
}

export type VerifyFailure = "invalid" | "expired"

export const verifyToken = (secret: string, token: string): Either.Either<TokenClaims, VerifyFailure> => {
  let payload: unknown
  try {
    payload = jwt.verify(token, secret, { algorithms: ["HS256"] })
  } catch (error) {
    return Either.left(error instanceof jwt.TokenExpiredError ? "expired" : "invalid")
  }
  return Either.mapLeft(decodeClaims(payload), () => "invalid" as const)
}
