/**
 * The rate limit on the endpoints anyone may call (create, pair, restore): each address bucket
 * (an IPv4 address, an IPv6 /64) may burst up to RATE_LIMIT_PER_MINUTE requests, refilled evenly
 * over the minute, counted in the database so every server process shares the budget. The
 * socket's address is trusted, not `X-Forwarded-For`.
 */
import { HttpServerRequest } from "@effect/platform"
import { RateLimit, RateLimited } from "@quire/shared"
import { Effect, Layer, Option } from "effect"
import { AppConfig } from "../config/AppConfig.js"
import { RateLimits } from "../store/RateLimits.js"
import { addressBucket } from "./AddressBucket.js"

const windowSeconds = 60

export const RateLimitLive = Layer.effect(
  RateLimit,
  Effect.gen(function* () {
    const { rateLimitPerMinute } = yield* AppConfig
    const rateLimits = yield* RateLimits
    return Effect.gen(function* () {
      const request = yield* HttpServerRequest.HttpServerRequest
      const bucket = addressBucket(Option.getOrElse(request.remoteAddress, () => "unknown"))
      const retryAfterSeconds = yield* rateLimits.takeOne(bucket, rateLimitPerMinute, windowSeconds)
      if (retryAfterSeconds > 0) {
        return yield* new RateLimited({
          message: `Too many requests from this address; try again in ${retryAfterSeconds} s.`,
          retryAfterSeconds
        })
      }
    })
  })
)
