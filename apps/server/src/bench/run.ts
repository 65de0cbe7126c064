/**
 * Server benchmark, in sections (BENCH_SECTIONS): `latency` (push, batch, long-poll wake-up and
 * pull, one client over loopback), `throughput` (pushes/s against the floor server, see
 * throughput.ts), `longpoll` (1,000 devices waiting on one server process), `memory` (the
 * server's RSS while a 256 MiB workspace, BENCH_WORKSPACE_MIB, streams out as a backup and
 * back in as a restore). Against the embedded database and, when TEST_DATABASE_URL is set, a
 * real Postgres. Prints tables and writes bench-results/server.json at the repository root.
 */
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises"
import { tmpdir } from "node:os"
import * as path from "node:path"
import { fileURLToPath } from "node:url"
import { startInProcess } from "../testing/InProcessServer.js"
import { benchLongPoll, type LongPollRow } from "./longpoll.js"
import { benchMemory, type MemoryRow } from "./memory.js"
import { benchDatabases, percentile, withStore } from "./stores.js"
import { benchThroughput, type RatioRow, type ThroughputRow } from "./throughput.js"

interface Row {
  readonly database: string
  readonly measure: string
  readonly p50Ms: number
  readonly p95Ms: number
  readonly runs: number
}

const summarize = (database: string, measure: string, samples: ReadonlyArray<number>): Row => ({
  database,
  measure,
  p50Ms: percentile(samples, 50),
  p95Ms: percentile(samples, 95),
  runs: samples.length
})

const timed = async (run: () => Promise<unknown>) => {
  const started = performance.now()
  await run()
  return performance.now() - started
}

const payload = (size: number) => Buffer.alloc(size, 7).toString("base64")
const key = Buffer.alloc(16, 1).toString("base64url")

const call = async <T = unknown>(url: string, method: string, token: string | undefined, body?: unknown): Promise<T> => {
  const response = await fetch(url, {
    method,
    headers: { "content-type": "application/json", ...(token ? { authorization: `Bearer ${token}` } : {}) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) })
  })
  if (!response.ok) throw new Error(`${method} ${url}: ${response.status} ${await response.text()}`)
  return response.json() as Promise<T>
}

const benchDatabase = async (database: string, env: Record<string, string>): Promise<Array<Row>> => {
  const server = await startInProcess({ ...env, LOG_LEVEL: "warn", RATE_LIMIT_PER_MINUTE: "100000" })
  const api = `${server.url}/api/v1`
  try {
    const ws = await call<{ workspaceId: string; masterToken: string }>(`${api}/workspaces`, "POST", undefined, {})
    const changesUrl = `${api}/workspaces/${ws.workspaceId}/changes`
    let clientSeq = 0
    const pushOne = () => call(changesUrl, "POST", ws.masterToken, { changes: [{ clientSeq: ++clientSeq, key, data: payload(256) }] })

    for (let i = 0; i < 20; i++) await pushOne()
    const single: Array<number> = []
    for (let i = 0; i < 200; i++) single.push(await timed(pushOne))

    const thousand: Array<number> = []
    for (let run = 0; run < 5; run++) {
      thousand.push(
        await timed(async () => {
          for (let batch = 0; batch < 2; batch++) {
            const changes = Array.from({ length: 500 }, () => ({ clientSeq: ++clientSeq, key, data: payload(256) }))
            await call(changesUrl, "POST", ws.masterToken, { changes })
          }
        })
      )
    }

    const wake: Array<number> = []
    for (let i = 0; i < 50; i++) {
      const { headSeq } = await call<{ headSeq: number }>(`${api}/workspaces/${ws.workspaceId}`, "GET", ws.masterToken)
      const waiting = call(`${changesUrl}/wait?after=${headSeq}&timeout=30`, "GET", ws.masterToken)
      await new Promise((resolve) => setTimeout(resolve, 5))
      const started = performance.now()
      await pushOne()
      await waiting
      wake.push(performance.now() - started)
    }

    const pull: Array<number> = []
    for (let i = 0; i < 20; i++) pull.push(await timed(() => call(`${changesUrl}?after=0&limit=1000`, "GET", ws.masterToken)))

    return [
      summarize(database, "push 1 change (256 B) → ack", single),
      summarize(database, "push 1,000 changes (2 × 500) → ack", thousand),
      summarize(database, "push → long-poll woken", wake),
      summarize(database, "pull a page of 1,000 changes", pull)
    ]
  } finally {
    await server.stop()
  }
}

/** BENCH_SECTIONS picks sections by name (comma-separated); all of them by default. */
const sections = new Set((process.env.BENCH_SECTIONS ?? "latency,throughput,longpoll,memory").split(",").map((name) => name.trim()))

const main = async () => {
  const databases = benchDatabases()
  const workspaceMiB = Number(process.env.BENCH_WORKSPACE_MIB ?? 256)
  const rows: Array<Row> = []
  const throughput: Array<ThroughputRow> = []
  const ratios: Array<RatioRow> = []
  const longPoll: Array<LongPollRow> = []
  const memory: Array<MemoryRow> = []
  if (sections.has("latency")) {
    for (const [database, url] of databases) rows.push(...(await withStore(url, (env) => benchDatabase(database, env))))
    console.table(rows)
  }
  if (sections.has("throughput")) {
    for (const [database, url] of databases) {
      const result = await withStore(url, (env) => benchThroughput(database, env))
      throughput.push(...result.rows)
      ratios.push(...result.ratios)
    }
    console.table(throughput)
    console.table(ratios)
  }
  if (sections.has("longpoll")) {
    for (const [database, url] of databases) longPoll.push(await withStore(url, (env) => benchLongPoll(database, env)))
    console.table(longPoll)
  }
  if (sections.has("memory")) {
    for (const [database, url] of databases) {
      const backupDir = await mkdtemp(path.join(tmpdir(), "quire-bench-backup-"))
      try {
        memory.push(...(await withStore(url, (env) => benchMemory(database, env, path.join(backupDir, "workspace.qbak"), workspaceMiB))))
      } finally {
        await rm(backupDir, { recursive: true, force: true })
      }
    }
    console.table(memory)
  }
  const outDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../../../bench-results")
  await mkdir(outDir, { recursive: true })
  const file = path.join(outDir, "server.json")
  // A run of some sections replaces those and keeps the others' last figures.
  const previous = await readFile(file, "utf8").then(
    (text) => Object.fromEntries(Object.entries(JSON.parse(text) as Record<string, unknown>).filter(([, value]) => !Array.isArray(value))),
    () => ({})
  )
  const measured = { measuredAt: new Date().toISOString(), node: process.version }
  const results = {
    ...previous,
    ...(sections.has("latency") ? { latency: { ...measured, rows } } : {}),
    ...(sections.has("throughput") ? { throughput: { ...measured, rows: throughput, ratios } } : {}),
    ...(sections.has("longpoll") ? { longPoll: { ...measured, rows: longPoll } } : {}),
    ...(sections.has("memory") ? { memory: { ...measured, rows: memory } } : {})
  }
  await writeFile(file, JSON.stringify(results, null, 2))
  console.log(`wrote ${file}`)
}

await main()
