/**
 * The HS256 signing secret: JWT_SECRET when set, else a random one generated on first start
 * and kept in DATA_DIR, so tokens survive restarts. Processes sharing one database must share
 * the secret (set JWT_SECRET, or the same DATA_DIR).
 */
import { Effect, Option, Redacted } from "effect"
import { randomBytes } from "node:crypto"
import { mkdir, readFile, writeFile } from "node:fs/promises"
import * as path from "node:path"

export const resolveJwtSecret = (configured: Option.Option<Redacted.Redacted<string>>, dataDir: string) =>
  Option.match(configured, {
    onSome: (secret) => Effect.succeed(Redacted.value(secret)),
    onNone: () =>
      Effect.promise(async () => {
        const file = path.join(dataDir, "jwt-secret")
        await mkdir(dataDir, { recursive: true })
        try {
          // "wx": two processes starting together on one DATA_DIR keep the first one's secret.
          await writeFile(file, randomBytes(48).toString("base64url"), { flag: "wx", mode: 0o600 })
        } catch (error) {
          if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error
        }
        return (await readFile(file, "utf8")).trim()
      })
  })
