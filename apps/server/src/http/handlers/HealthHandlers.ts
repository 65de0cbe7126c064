import { HttpApiBuilder } from "@effect/platform"
import { QuireApi } from "@quire/shared"
import { Effect } from "effect"
import { Database } from "../../store/Database.js"

export const HealthHandlers = HttpApiBuilder.group(QuireApi, "health", (handlers) =>
  Effect.map(Database, ({ kind }) => handlers.handle("health", () => Effect.succeed({ ok: true as const, db: kind })))
)
