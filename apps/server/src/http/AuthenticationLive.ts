import { Authentication } from "@quire/shared"
import { Effect, Layer, Redacted } from "effect"
import { Tokens } from "../auth/Tokens.js"

export const AuthenticationLive = Layer.effect(
  Authentication,
  Effect.map(Tokens, (tokens) => ({
    bearer: (token: Redacted.Redacted<string>) => tokens.authenticate(Redacted.value(token))
  }))
)
