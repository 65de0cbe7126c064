/**
 * Signing and verifying bearer tokens: HS256 only, claims `{ sub: tokenId, ws, role, dev }`.
 * Verification pins the algorithm, so `alg: none` and asymmetric tricks are rejected.
 */
import { Either, Schema } from "effect"
import jwt from "jsonwebtoken"
import { createSecretKey, type KeyObject } from "node:crypto"
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

/**
 * The secret as a key object, made once: given a string, jsonwebtoken builds a key object on
 * every call (first trying, and failing, to read it as a public key), which cost a tenth of the
 * server's CPU under load.
 */
export type SigningKey = KeyObject

export const signingKey = (secret: string): SigningKey => createSecretKey(Buffer.from(secret, "utf8"))

export const signToken = (key: SigningKey, claims: TokenClaims): string => {
  const { exp, ...rest } = claims
  return jwt.sign(exp === undefined ? rest : { ...rest, exp }, key, { algorithm: "HS256", noTimestamp: false })
}

export type VerifyFailure = "invalid" | "expired"

export const verifyToken = (key: SigningKey, token: string, now: number = Date.now()): Either.Either<TokenClaims, VerifyFailure> => {
  let payload: unknown
  try {
    payload = jwt.verify(token, key, { algorithms: ["HS256"], clockTimestamp: Math.floor(now / 1000) })
  } catch (error) {
    return Either.left(error instanceof jwt.TokenExpiredError ? "expired" : "invalid")
  }
  return Either.mapLeft(decodeClaims(payload), () => "invalid" as const)
}

/** How many verified tokens `makeVerifier` remembers (about 5 MB). */
const rememberedTokens = 10_000

/**
 * `verifyToken` that remembers the tokens it verified, by their exact text (signature
 * included), so a device's every request is not verified again: a remembered token only has
 * its expiry checked, as jsonwebtoken checks it. Oldest first out.
 */
export const makeVerifier = (key: SigningKey) => {
  const verified = new Map<string, TokenClaims>()
  return (token: string, now: number = Date.now()): Either.Either<TokenClaims, VerifyFailure> => {
    const known = verified.get(token)
    if (known) {
      if (known.exp === undefined || Math.floor(now / 1000) < known.exp) return Either.right(known)
      verified.delete(token)
      return Either.left("expired")
    }
    const result = verifyToken(key, token, now)
    if (Either.isRight(result)) {
      if (verified.size >= rememberedTokens) verified.delete(verified.keys().next().value!)
      verified.set(token, result.right)
    }
    return result
  }
}
