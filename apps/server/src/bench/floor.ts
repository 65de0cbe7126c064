/**
 * The floor for the throughput bench: the least a server must do to store a push, as a plain
 * `node:http` + `pg` script with none of Quire's layers. Per push it runs the same SQL as
 * Quire: read the token row; BEGIN; lock the workspace row; read the clientSeqs this device
 * already stored; INSERT the changes; UPDATE the head; COMMIT. It parses the JSON, decodes
 * the base64 and hashes each change as Quire must, but trusts the token's claims without
 * checking the signature. It is not a server anyone should run.
 *
 * `node dist/bench/floor.js` with PORT and either DATABASE_URL (a real Postgres, migrated by
 * Quire) or DATA_DIR (its own embedded PGlite, set up as Quire's: one connection, migrated here).
 */
import { Effect, Exit, Scope } from "effect"
import { createHash, randomUUID } from "node:crypto"
import { createServer, type IncomingMessage, type ServerResponse } from "node:http"
import pg from "pg"
import { startEmbeddedPostgres } from "../store/EmbeddedPostgres.js"
import { runMigrations } from "../store/Migrations.js"

const port = Number(process.env.PORT ?? 0)
const scope = Effect.runSync(Scope.make())

const openPool = async (): Promise<pg.Pool> => {
  if (process.env.DATABASE_URL) return new pg.Pool({ connectionString: process.env.DATABASE_URL, max: 10 })
  const embedded = await Effect.runPromise(Scope.extend(startEmbeddedPostgres(process.env.DATA_DIR ?? "./data"), scope))
  return new pg.Pool({ host: embedded.host, port: embedded.port, user: "postgres", database: "postgres", max: 1 })
}

const pool = await openPool()
await Effect.runPromise(runMigrations(pool))

const readBody = (request: IncomingMessage) =>
  new Promise<string>((resolve, reject) => {
    const chunks: Array<Buffer> = []
    request.on("data", (chunk: Buffer) => chunks.push(chunk))
    request.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")))
    request.on("error", reject)
  })

const send = (response: ServerResponse, status: number, body: unknown) => {
  const text = JSON.stringify(body)
  response.writeHead(status, { "content-type": "application/json", "content-length": Buffer.byteLength(text) })
  response.end(text)
}

/** Token-shaped but unsigned: `header.claims.` (the floor reads claims, never verifies). */
const tokenFor = (claims: object) =>
  `${Buffer.from('{"alg":"none"}').toString("base64url")}.${Buffer.from(JSON.stringify(claims)).toString("base64url")}.`

/** Workspaces with `devices` device tokens each, inserted directly. */
const setup = async (workspaces: number, devices: number) => {
  const made: Array<{ workspaceId: string; tokens: Array<string> }> = []
  for (let w = 0; w < workspaces; w++) {
    const workspaceId = randomUUID()
    await pool.query("INSERT INTO workspaces (id) VALUES ($1)", [workspaceId])
    const tokens: Array<string> = []
    for (let d = 0; d < devices; d++) {
      const id = randomUUID()
      const deviceId = randomUUID()
      await pool.query("INSERT INTO tokens (workspace_id, id, role, device_id, label) VALUES ($1, $2, 'device', $3, 'floor')", [
        workspaceId,
        id,
        deviceId
      ])
      tokens.push(tokenFor({ sub: id, ws: workspaceId, role: "device", dev: deviceId }))
    }
    made.push({ workspaceId, tokens })
  }
  return made
}

interface Claims {
  readonly sub: string
  readonly ws: string
  readonly dev: string
}

const push = async (request: IncomingMessage, response: ServerResponse, workspaceId: string) => {
  const claims = JSON.parse(
    Buffer.from((request.headers.authorization ?? "").slice(7).split(".")[1] ?? "", "base64url").toString()
  ) as Claims
  const { changes } = JSON.parse(await readBody(request)) as { changes: Array<{ clientSeq: number; key: string; data: string }> }
  const decoded = changes.map((change) => {
    const data = Buffer.from(change.data, "base64")
    return {
      clientSeq: change.clientSeq,
      key: Buffer.from(change.key, "base64url"),
      data,
      digest: createHash("sha256").update(data).digest()
    }
  })
  const token = await pool.query("SELECT role, device_id, revoked_at, expires_at FROM tokens WHERE workspace_id = $1 AND id = $2", [
    claims.ws,
    claims.sub
  ])
  if (token.rows.length === 0 || claims.ws !== workspaceId) return send(response, 401, { _tag: "TokenRevoked", message: "unknown token" })
  const client = await pool.connect()
  try {
    await client.query("BEGIN")
    const workspace = await client.query<{ head_seq: string; bytes_used: string; change_count: string }>(
      "SELECT head_seq, bytes_used, change_count FROM workspaces WHERE id = $1 FOR UPDATE",
      [workspaceId]
    )
    const known = await client.query<{ client_seq: string; seq: string }>(
      "SELECT client_seq, seq, key, kind, digest FROM changes WHERE workspace_id = $1 AND device_id = $2 AND client_seq = ANY($3::bigint[])",
      [workspaceId, claims.dev, decoded.map((change) => change.clientSeq)]
    )
    const seqOf = new Map(known.rows.map((row) => [Number(row.client_seq), Number(row.seq)]))
    let head = Number(workspace.rows[0]!.head_seq)
    let bytes = Number(workspace.rows[0]!.bytes_used)
    const fresh = decoded.filter((change) => !seqOf.has(change.clientSeq))
    if (fresh.length > 0) {
      const values: Array<unknown> = []
      const tuples = fresh.map((change) => {
        head += 1
        bytes += change.data.length
        seqOf.set(change.clientSeq, head)
        const at = values.push(workspaceId, head, claims.dev, change.clientSeq, change.key, change.digest, change.data.length, change.data)
        return `($${at - 7}, $${at - 6}, $${at - 5}, $${at - 4}, $${at - 3}, 0, $${at - 2}, $${at - 1}, $${at})`
      })
      await client.query(
        `INSERT INTO changes (workspace_id, seq, device_id, client_seq, key, kind, digest, size, data) VALUES ${tuples.join(", ")}`,
        values
      )
      await client.query("UPDATE workspaces SET head_seq = $2, bytes_used = $3, change_count = change_count + $4 WHERE id = $1", [
        workspaceId,
        head,
        bytes,
        fresh.length
      ])
    }
    await client.query("COMMIT")
    send(response, 200, {
      results: decoded.map((change) => ({ clientSeq: change.clientSeq, seq: seqOf.get(change.clientSeq) })),
      headSeq: head
    })
  } catch (error) {
    await client.query("ROLLBACK").catch(() => undefined)
    throw error
  } finally {
    client.release()
  }
}

const pushPath = /^\/api\/v1\/workspaces\/([0-9a-f-]{36})\/changes$/

const server = createServer((request, response) => {
  const handle = async () => {
    const match = request.method === "POST" ? pushPath.exec(request.url ?? "") : null
    if (match) return push(request, response, match[1]!)
    if (request.method === "POST" && request.url === "/setup") {
      const { workspaces, devices } = JSON.parse(await readBody(request)) as { workspaces: number; devices: number }
      return send(response, 201, await setup(workspaces, devices))
    }
    send(response, 404, { _tag: "RouteNotFound", message: "not here" })
  }
  handle().catch((error: unknown) => {
    if (!response.headersSent) send(response, 500, { message: String(error) })
  })
})

server.listen(port, "127.0.0.1", () => console.log(`floor listening on ${JSON.stringify(server.address())}`))

process.on("SIGTERM", () => {
  server.close()
  server.closeAllConnections()
  void pool
    .end()
    .then(() => Effect.runPromise(Scope.close(scope, Exit.void)))
    .then(() => process.exit(0))
})
