/**
 * The server's configuration, read once from the environment and validated. A bad value
 * stops the start with a line naming the variable (see `describeConfigError`).
 */
import { Config, ConfigError, Context, Effect, Either, Layer, LogLevel, Option, Redacted } from "effect"
import * as path from "node:path"
import { fileURLToPath } from "node:url"

export interface AppConfigShape {
  readonly port: number
  readonly host: string
  readonly dataDir: string
  readonly databaseUrl: Option.Option<Redacted.Redacted<string>>
  readonly jwtSecret: Option.Option<Redacted.Redacted<string>>
  readonly maxBodyBytes: number
  readonly workspaceQuotaBytes: number
  /** Bytes all workspaces together may store: what anyone who can create workspaces can make the disk hold. */
  readonly serverQuotaBytes: number
  /** Requests a minute each address may make to the endpoints anyone can call. */
  readonly rateLimitPerMinute: number
  /** The built web app served at `/`. */
  readonly webDir: string
  readonly logLevel: LogLevel.LogLevel
}

export class AppConfig extends Context.Tag("@quire/server/AppConfig")<AppConfig, AppConfigShape>() {}

const MiB = 1024 * 1024

const positiveInt = (name: string, fallback: number) =>
  Config.integer(name).pipe(
    Config.validate({ message: "must be a positive whole number", validation: (n) => n > 0 }),
    Config.withDefault(fallback)
  )

/** An optional secret-ish variable that, when set, must pass `valid`. */
const optionalRedacted = (name: string, message: string, valid: (value: string) => boolean) =>
  Config.option(Config.redacted(name)).pipe(
    Config.mapOrFail((value) =>
      Option.isSome(value) && !valid(Redacted.value(value.value))
        ? Either.left(ConfigError.InvalidData([name], message))
        : Either.right(value)
    )
  )

const postgresUrl = optionalRedacted("DATABASE_URL", "must be a postgres:// or postgresql:// URL", (url) =>
  /^postgres(ql)?:\/\/.+/.test(url)
)

const jwtSecret = optionalRedacted("JWT_SECRET", "must be at least 32 characters", (secret) => secret.length >= 32)

/** `debug`, `info`, `warn`, `error`, `none` …, in any case; also Effect's names (`Warning`). */
const logLevel = Config.string("LOG_LEVEL").pipe(
  Config.mapOrFail((text) => {
    const wanted = text.trim().toLowerCase()
    const level = LogLevel.allLevels.find((l) => l.label.toLowerCase() === wanted || l._tag.toLowerCase() === wanted)
    return level
      ? Either.right(wanted === "none" ? LogLevel.None : level)
      : Either.left(ConfigError.InvalidData([], `must be one of ${LogLevel.allLevels.map((l) => l.label.toLowerCase()).join(", ")}`))
  })
)

/** apps/web/dist beside this package, wherever the server is started from. */
const defaultWebDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../../web/dist")

export const appConfig: Config.Config<AppConfigShape> = Config.all({
  port: Config.port("PORT").pipe(Config.withDefault(8787)),
  host: Config.string("HOST").pipe(Config.withDefault("127.0.0.1")),
  dataDir: Config.string("DATA_DIR").pipe(
    Config.withDefault("./data"),
    Config.map((dir) => path.resolve(dir))
  ),
  databaseUrl: postgresUrl,
  jwtSecret,
  maxBodyBytes: positiveInt("MAX_BODY_BYTES", 32 * MiB),
  workspaceQuotaBytes: positiveInt("WORKSPACE_QUOTA_BYTES", 1024 * MiB),
  serverQuotaBytes: positiveInt("SERVER_QUOTA_BYTES", 10 * 1024 * MiB),
  rateLimitPerMinute: positiveInt("RATE_LIMIT_PER_MINUTE", 30),
  webDir: Config.string("WEB_DIR").pipe(
    Config.withDefault(defaultWebDir),
    Config.map((dir) => path.resolve(dir))
  ),
  logLevel: logLevel.pipe(Config.withDefault(LogLevel.Info))
})

export const AppConfigLive = Layer.effect(AppConfig, appConfig)

/** One line per bad variable, e.g. `PORT: Expected a network port value but received abc`. */
export const describeConfigError = (error: ConfigError.ConfigError): string => {
  const lines: Array<string> = []
  const walk = (e: ConfigError.ConfigError): void => {
    switch (e._op) {
      case "And":
      case "Or":
        walk(e.left)
        walk(e.right)
        return
      case "InvalidData":
      case "MissingData":
      case "SourceUnavailable":
      case "Unsupported":
        lines.push(`${e.path.join(".")}: ${e.message}`)
    }
  }
  walk(error)
  return `Invalid configuration: ${[...new Set(lines)].join("; ")}`
}

/** Reads the configuration, or fails with the one-line description of what is wrong. */
export const loadAppConfig = Effect.gen(function* () {
  const result = yield* Effect.either(appConfig)
  if (Either.isLeft(result)) return yield* Effect.fail(describeConfigError(result.left))
  return result.right
})
