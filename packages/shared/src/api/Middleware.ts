/**
 * The two middlewares endpoints declare: bearer authentication (which provides the caller)
 * and the per-address rate limit on endpoints anyone may call.
 */
import { HttpApiMiddleware, HttpApiSecurity } from "@effect/platform"
import { Context, Schema } from "effect"
import { AuthenticationError, RateLimited } from "./Errors.js"

export const Role = Schema.Literal("master", "device")
export type Role = typeof Role.Type

/** Who is calling: the verified claims of the bearer token, checked against its stored row. */
export interface Caller {
  readonly tokenId: string
  readonly workspaceId: string
  readonly role: Role
  readonly deviceId: string
}

export class CurrentCaller extends Context.Tag("@quire/shared/CurrentCaller")<CurrentCaller, Caller>() {}

export class Authentication extends HttpApiMiddleware.Tag<Authentication>()("@quire/shared/Authentication", {
  failure: AuthenticationError,
  provides: CurrentCaller,
  security: { bearer: HttpApiSecurity.bearer }
}) {}

export class RateLimit extends HttpApiMiddleware.Tag<RateLimit>()("@quire/shared/RateLimit", {
  failure: RateLimited
}) {}
