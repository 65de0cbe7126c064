/**
 * Push throughput of the real server (`dist/main.js`, spawned) against the floor (`floor.ts`:
 * the same SQL with nothing around it), in one run, on one database, load by load, Quire
 * then the floor. On a real Postgres both use the same database; on the embedded one each runs
 * its own PGlite as Quire does (one process per data folder), set up the same way.
 *
 * BENCH_THROUGHPUT_SECONDS shortens each load (default 10) for a smoke run; BENCH_THROUGHPUT_LOADS
 * picks loads by number (e.g. `1,3`); BENCH_CPU_PROF=<dir> writes a CPU profile of the Quire
 * server process there.
 */
import { randomBytes } from "node:crypto"
import * as path from "node:path"
import { fileURLToPath } from "node:url"
import { spawnServer, type SpawnedServer } from "../testing/SpawnedServer.js"
import { assertLoopback, makeAgent, runLoad, send, type Client } from "./Load.js"
import { cpuTicks } from "./ProcessStats.js"
import { percentile } from "./stores.js"

export interface ThroughputRow {
  readonly database: string
  readonly load: string
  readonly server: "quire" | "floor"
  readonly unit: "pushes/s" | "changes/s"
  readonly rate: number
  readonly p50Ms: number
  readonly p99Ms: number
  /** The server process's CPU time per unit (push or change), in µs: steadier than rates on a shared machine. */
  readonly cpuUs: number
  readonly requests: number
  readonly failures: number
}

export interface RatioRow {
  readonly database: string
  readonly load: string
  readonly unit: string
  readonly quire: number
  readonly floor: number
  readonly ratio: number
  readonly quireP99Ms: number
  readonly floorP99Ms: number
  readonly p99Ratio: number
  readonly quireCpuUs: number
  readonly floorCpuUs: number
  /** What the issue asks: at least 0.8× the floor's rate with p99 at most 1.5× the floor's. */
  readonly target: string
  readonly met: boolean | "-"
}

interface LoadSpec {
  readonly name: string
  readonly workspaces: number
  readonly devicesPerWorkspace: number
  readonly changesPerPush: number
  readonly targeted: boolean
}

export const loads: ReadonlyArray<LoadSpec> = [
  { name: "16 workspaces × 1 client, single-change pushes", workspaces: 16, devicesPerWorkspace: 1, changesPerPush: 1, targeted: true },
  { name: "1 workspace × 16 clients, single-change pushes", workspaces: 1, devicesPerWorkspace: 16, changesPerPush: 1, targeted: false },
  { name: "4 workspaces × 1 client, batches of 100", workspaces: 4, devicesPerWorkspace: 1, changesPerPush: 100, targeted: true }
]

const floorScript = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "floor.js")

/** A change's bytes: ciphertext-like, the size of a typical coalesced edit. */
const changeData = randomBytes(256).toString("base64")
const keys = Array.from({ length: 8 }, (_, i) => Buffer.alloc(16, i + 1).toString("base64url"))

interface Credentials {
  readonly workspaceId: string
  readonly tokens: ReadonlyArray<string>
}

const json = { "content-type": "application/json" }

const postJson = async (url: string, body: unknown, token?: string) => {
  assertLoopback(url)
  const reply = await send(
    makeAgent(1),
    url,
    "POST",
    { ...json, ...(token ? { authorization: `Bearer ${token}` } : {}) },
    JSON.stringify(body)
  )
  if (reply.status !== 200 && reply.status !== 201) throw new Error(`POST ${url}: ${reply.status} ${reply.body}`)
  return JSON.parse(reply.body)
}

/** Workspaces on the real server, through its API: the master and paired devices. */
const quireCredentials = async (url: string, spec: LoadSpec): Promise<Array<Credentials>> => {
  const made: Array<Credentials> = []
  for (let w = 0; w < spec.workspaces; w++) {
    const ws = await postJson(`${url}/api/v1/workspaces`, { label: "bench" })
    const tokens: Array<string> = [ws.masterToken]
    while (tokens.length < spec.devicesPerWorkspace) {
      const pairing = await postJson(`${url}/api/v1/workspaces/${ws.workspaceId}/pairings`, {}, ws.masterToken)
      const paired = await postJson(`${url}/api/v1/pair`, { workspaceId: ws.workspaceId, code: pairing.code, label: "bench" })
      tokens.push(paired.deviceToken)
    }
    made.push({ workspaceId: ws.workspaceId, tokens })
  }
  return made
}

const floorCredentials = (url: string, spec: LoadSpec): Promise<Array<Credentials>> =>
  postJson(`${url}/setup`, { workspaces: spec.workspaces, devices: spec.devicesPerWorkspace })

const clientsFor = (url: string, credentials: ReadonlyArray<Credentials>, changesPerPush: number): Array<Client> =>
  credentials.flatMap(({ workspaceId, tokens }) =>
    tokens.map((token) => {
      let clientSeq = 0
      const headers = { ...json, authorization: `Bearer ${token}`, "quire-protocol": "2" }
      const target = `${url}/api/v1/workspaces/${workspaceId}/changes`
      return {
        units: changesPerPush,
        next: () => {
          const changes: Array<string> = []
          for (let i = 0; i < changesPerPush; i++) {
            clientSeq += 1
            changes.push(`{"clientSeq":${clientSeq},"key":"${keys[clientSeq % keys.length]}","data":"${changeData}"}`)
          }
          return { url: target, headers, body: `{"changes":[${changes.join(",")}]}` }
        }
      }
    })
  )

/** Linux counts process CPU time in clock ticks of 10 ms. */
const ticksPerSecond = 100

const round = (n: number, digits = 2) => Number(n.toFixed(digits))

export const benchThroughput = async (
  database: string,
  env: Record<string, string>
): Promise<{ rows: Array<ThroughputRow>; ratios: Array<RatioRow> }> => {
  const seconds = Number(process.env.BENCH_THROUGHPUT_SECONDS ?? 10)
  const timing = { warmupMs: Math.min(1000, seconds * 100), durationMs: seconds * 1000 }
  const profileDir = process.env.BENCH_CPU_PROF
  const quireEnv = { ...env, RATE_LIMIT_PER_MINUTE: "1000000" }
  // Embedded: each server its own PGlite; a real Postgres: both on the same database.
  const floorEnv = env.DATABASE_URL ? { DATABASE_URL: env.DATABASE_URL } : { DATA_DIR: path.join(env.DATA_DIR!, "floor") }
  const servers: Array<SpawnedServer> = []
  try {
    const quire = await spawnServer(quireEnv, profileDir ? { nodeArgs: ["--cpu-prof", `--cpu-prof-dir=${profileDir}`] } : {})
    servers.push(quire)
    const floor = await spawnServer(floorEnv, { script: floorScript, listening: "floor listening" })
    servers.push(floor)
    const rows: Array<ThroughputRow> = []
    const ratios: Array<RatioRow> = []
    const picked = process.env.BENCH_THROUGHPUT_LOADS?.split(",").map((n) => loads[Number(n) - 1]!) ?? loads
    for (const spec of picked) {
      const measured: Record<"quire" | "floor", ThroughputRow | undefined> = { quire: undefined, floor: undefined }
      for (const [which, server] of [
        ["quire", quire],
        ["floor", floor]
      ] as const) {
        const credentials = which === "quire" ? await quireCredentials(server.url, spec) : await floorCredentials(server.url, spec)
        const ticksBefore = cpuTicks(server.process.pid!)
        const result = await runLoad(clientsFor(server.url, credentials, spec.changesPerPush), timing)
        const cpuSeconds = (cpuTicks(server.process.pid!) - ticksBefore) / ticksPerSecond
        if (result.failures > 0) console.warn(`${database} ${which} ${spec.name}: ${result.failures} failed, first: ${result.firstFailure}`)
        const row: ThroughputRow = {
          database,
          load: spec.name,
          server: which,
          unit: spec.changesPerPush === 1 ? "pushes/s" : "changes/s",
          rate: Math.round(result.rate),
          p50Ms: percentile(result.latencies, 50),
          p99Ms: percentile(result.latencies, 99),
          cpuUs: Math.round((cpuSeconds * 1e6) / result.allUnits),
          requests: result.requests,
          failures: result.failures
        }
        measured[which] = row
        rows.push(row)
      }
      const q = measured.quire!
      const f = measured.floor!
      const ratio = round(q.rate / f.rate)
      const p99Ratio = round(q.p99Ms / f.p99Ms)
      ratios.push({
        database,
        load: spec.name,
        unit: q.unit,
        quire: q.rate,
        floor: f.rate,
        ratio,
        quireP99Ms: q.p99Ms,
        floorP99Ms: f.p99Ms,
        p99Ratio,
        quireCpuUs: q.cpuUs,
        floorCpuUs: f.cpuUs,
        target: spec.targeted ? "≥ 0.8×, p99 ≤ 1.5×" : "-",
        met: spec.targeted ? ratio >= 0.8 && p99Ratio <= 1.5 : "-"
      })
    }
    return { rows, ratios }
  } finally {
    await Promise.all(servers.map((server) => server.stop()))
  }
}
