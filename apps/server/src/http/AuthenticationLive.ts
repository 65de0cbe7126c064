/**
 * Bearer authentication: the JWT is verified here for every request, and its token row checked
 * too, except for a push, which checks the row in the statement that stores its changes (one
 * round trip to the database instead of two on the busiest endpoint; ChangeLog.push).
 */
import { HttpRouter } from "@effect/platform"
import { Authentication, QuireApi } from "@quire/shared"
import { Effect, Layer, Redacted } from "effect"
import { Tokens } from "../auth/Tokens.js"

/** The push endpoint's route, as the contract declares it (prefix included). */
const push = (() => {
  const endpoint = QuireApi.groups.changes?.endpoints.push
  if (!endpoint) throw new Error("the contract has no changes.push endpoint")
  return { method: endpoint.method, path: endpoint.path }
})()

export const AuthenticationLive = Layer.effect(
  Authentication,
  Effect.map(Tokens, (tokens) => ({
    bearer: (token: Redacted.Redacted<string>) =>
      Effect.flatMap(HttpRouter.RouteContext, ({ route }) =>
        route.method === push.method && route.path === push.path
          ? tokens.verify(Redacted.value(token))
          : tokens.authenticate(Redacted.value(token))
      )
  }))
)
