/**
 * Per-address token bucket for the endpoints anyone may call (create, pair, restore): each
 * address may burst up to the per-minute budget, refilled evenly over the minute.
 */
import { HttpServerRequest } from "@effect/platform"
import { RateLimit, RateLimited } from "@quire/shared"
import { Effect, Layer, Option } from "effect"
import { AppConfig } from "../config/AppConfig.js"

interface Bucket {
  tokens: number
  updatedAt: number
}

/** Beyond this many tracked addresses, full buckets are forgotten (they carry no state). */
const maxTrackedAddresses = 10_000

export const makeRateLimiter = (perMinute: number, now: () => number = Date.now) => {
  const buckets = new Map<string, Bucket>()
  const refillPerMs = perMinute / 60_000
  const refill = (bucket: Bucket, at: number) => {
    bucket.tokens = Math.min(perMinute, bucket.tokens + (at - bucket.updatedAt) * refillPerMs)
    bucket.updatedAt = at
  }
  /** Takes one request from the address's budget; returns the seconds to wait when there is none. */
  return (address: string): number => {
    const at = now()
    if (buckets.size > maxTrackedAddresses) {
      for (const [key, bucket] of buckets) {
        refill(bucket, at)
        if (bucket.tokens >= perMinute) buckets.delete(key)
      }
    }
    const bucket = buckets.get(address) ?? { tokens: perMinute, updatedAt: at }
    buckets.set(address, bucket)
    refill(bucket, at)
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1
      return 0
    }
    return Math.ceil((1 - bucket.tokens) / refillPerMs / 1000)
  }
}

export const RateLimitLive = Layer.effect(
  RateLimit,
  Effect.gen(function* () {
    const { rateLimitPerMinute } = yield* AppConfig
    const take = makeRateLimiter(rateLimitPerMinute)
    return Effect.gen(function* () {
      const request = yield* HttpServerRequest.HttpServerRequest
      const retryAfterSeconds = take(Option.getOrElse(request.remoteAddress, () => "unknown"))
      if (retryAfterSeconds > 0) {
        return yield* new RateLimited({
          message: `Too many requests from this address; try again in ${retryAfterSeconds} s.`,
          retryAfterSeconds
        })
      }
    })
  })
)
