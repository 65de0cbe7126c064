/**
 * Runs the whole server inside this process on a random loopback port, for tests and the
 * benchmark. `env` is read exactly as the environment would be.
 */
import { HttpServer } from "@effect/platform"
import { ConfigProvider, Context, Effect, Exit, Layer, Scope } from "effect"
import { appConfig, type AppConfigShape } from "../config/AppConfig.js"
import { Database } from "../store/Database.js"
import { serverLayer } from "../Server.js"

export interface RunningServer {
  readonly url: string
  readonly stop: () => Promise<void>
}

export interface InProcessServer extends RunningServer {
  /**
   * Runs SQL through the server's own pool: the way tests look inside the embedded database,
   * which admits no second connection.
   */
  readonly sql: <Row = Record<string, unknown>>(text: string, params?: ReadonlyArray<unknown>) => Promise<Array<Row>>
}

export const startInProcess = async (env: Record<string, string>, overrides: Partial<AppConfigShape> = {}): Promise<InProcessServer> => {
  const provider = ConfigProvider.fromMap(new Map(Object.entries(env)))
  const base = await Effect.runPromise(Effect.withConfigProvider(appConfig, provider))
  const config: AppConfigShape = { ...base, port: 0, host: "127.0.0.1", ...overrides }
  const scope = Effect.runSync(Scope.make())
  const context = await Effect.runPromise(Layer.buildWithScope(serverLayer(config), scope))
  const address = Context.get(context, HttpServer.HttpServer).address
  if (address._tag !== "TcpAddress") throw new Error("expected a TCP address")
  const { pool } = Context.get(context, Database)
  return {
    url: `http://${config.host.includes(":") ? `[${config.host}]` : config.host}:${address.port}`,
    sql: async (text, params = []) => (await pool.query(text, [...params])).rows,
    stop: () => Effect.runPromise(Scope.close(scope, Exit.void))
  }
}
