import { HttpApiEndpoint, HttpApiGroup } from "@effect/platform"
import { Schema } from "effect"

export const DatabaseKind = Schema.Literal("embedded", "postgres")

export const Health = Schema.Struct({ ok: Schema.Literal(true), db: DatabaseKind })

export class HealthApi extends HttpApiGroup.make("health").add(HttpApiEndpoint.get("health", "/health").addSuccess(Health)) {}
