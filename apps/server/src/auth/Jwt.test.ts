import { Either } from "effect"
import jwt from "jsonwebtoken"
import { randomUUID } from "node:crypto"
import { describe, expect, it } from "vitest"
import { makeVerifier, signingKey, signToken } from "./Jwt.js"

const secret = "a-secret-that-is-long-enough-for-the-tests-0123"
const claims = () => ({ sub: randomUUID(), ws: randomUUID(), role: "device" as const, dev: randomUUID() })

describe("verifying bearer tokens", () => {
  it("accepts a token it signed, and again from memory", () => {
    const key = signingKey(secret)
    const verify = makeVerifier(key)
    const token = signToken(key, claims())
    expect(Either.isRight(verify(token))).toBe(true)
    expect(verify(token)).toEqual(verify(token))
  })

  it("refuses alg=none, another key, another algorithm and a changed payload, however often asked", () => {
    const key = signingKey(secret)
    const verify = makeVerifier(key)
    const mine = claims()
    const token = signToken(key, mine)
    const [header, , signature] = token.split(".")
    const forged = [
      `${Buffer.from('{"alg":"none","typ":"JWT"}').toString("base64url")}.${Buffer.from(JSON.stringify(mine)).toString("base64url")}.`,
      jwt.sign(mine, "another-secret-that-is-long-enough-0123456789"),
      jwt.sign(mine, secret, { algorithm: "HS512" }),
      `${header}.${Buffer.from(JSON.stringify({ ...mine, role: "master" })).toString("base64url")}.${signature}`
    ]
    for (const token of [...forged, ...forged]) expect(verify(token)).toEqual(Either.left("invalid"))
  })

  it("refuses a remembered token once its exp has passed", () => {
    const key = signingKey(secret)
    const verify = makeVerifier(key)
    const exp = Math.floor(Date.now() / 1000) + 60
    const token = signToken(key, { ...claims(), exp })
    expect(Either.isRight(verify(token))).toBe(true)
    expect(Either.isRight(verify(token, (exp - 1) * 1000))).toBe(true)
    expect(verify(token, exp * 1000)).toEqual(Either.left("expired"))
    expect(verify(token, exp * 1000 + 5_000)).toEqual(Either.left("expired"))
  })
})
