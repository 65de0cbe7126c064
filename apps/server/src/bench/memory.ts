/**
 * Server memory while a large workspace streams out as a backup and back in as a restore.
 * The server runs as its own process (`dist/main.js`), so its RSS is the server's alone; it
 * is read from /proc/<pid>/status every few milliseconds, and the kernel's peak (VmHWM,
 * reset through clear_refs before each operation) catches what sampling could miss.
 */
import { randomBytes } from "node:crypto"
import { createReadStream, createWriteStream } from "node:fs"
import { stat } from "node:fs/promises"
import { request as httpRequest } from "node:http"
import { pipeline } from "node:stream/promises"
import { spawnServer, type SpawnedServer } from "../testing/SpawnedServer.js"
import { resetPeak, statusKiB } from "./ProcessStats.js"

const MiB = 1024 * 1024
/** What the issue sets: the server may grow by at most this much while streaming. */
export const targetGrowthMiB = 64

export interface MemoryRow {
  readonly database: string
  readonly operation: "backup download" | "restore upload"
  readonly workspaceMiB: number
  readonly seconds: number
  readonly baselineMiB: number
  readonly peakMiB: number
  readonly growthMiB: number
  readonly targetMiB: number
  readonly met: boolean
  /** The slowest `/health` answer while the operation ran: the server stays responsive. */
  readonly healthMaxMs: number
}

/** Runs `operation` while watching the server's memory and its `/health` latency. */
const watch = async (server: SpawnedServer, operation: () => Promise<void>) => {
  const pid = server.process.pid!
  const baselineKiB = statusKiB(pid, "VmRSS")
  resetPeak(pid)
  let peakKiB = baselineKiB
  const sampler = setInterval(() => (peakKiB = Math.max(peakKiB, statusKiB(pid, "VmRSS"))), 5)
  let healthMaxMs = 0
  let running = true
  const probing = (async () => {
    while (running) {
      const started = performance.now()
      await fetch(`${server.url}/api/v1/health`).then((r) => r.arrayBuffer())
      healthMaxMs = Math.max(healthMaxMs, performance.now() - started)
      await new Promise((resolve) => setTimeout(resolve, 100))
    }
  })()
  const started = performance.now()
  try {
    await operation()
  } finally {
    running = false
    clearInterval(sampler)
    await probing
  }
  const seconds = (performance.now() - started) / 1000
  peakKiB = Math.max(peakKiB, statusKiB(pid, "VmHWM"))
  return { seconds, baselineKiB, peakKiB, healthMaxMs }
}

const postJson = async <T = unknown>(url: string, token: string | undefined, body: unknown): Promise<T> => {
  const response = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json", ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify(body)
  })
  if (!response.ok) throw new Error(`POST ${url}: ${response.status} ${await response.text()}`)
  return response.json() as Promise<T>
}

interface Credentials {
  readonly workspaceId: string
  readonly masterToken: string
}

/** Fills a new workspace with `mebibytes` of random bytes (ciphertext looks random) in ~1 MiB pushes. */
const fillWorkspace = async (url: string, mebibytes: number) => {
  const ws = await postJson<Credentials>(`${url}/api/v1/workspaces`, undefined, {})
  const changeBytes = 256 * 1024
  let clientSeq = 0
  for (let pushed = 0; pushed < mebibytes; pushed++) {
    const changes = Array.from({ length: MiB / changeBytes }, () => {
      clientSeq += 1
      const key = Buffer.alloc(16, clientSeq % 64).toString("base64url")
      return { clientSeq, key, data: randomBytes(changeBytes).toString("base64") }
    })
    await postJson(`${url}/api/v1/workspaces/${ws.workspaceId}/changes`, ws.masterToken, { changes })
  }
  return ws
}

const download = (url: string, token: string, file: string) =>
  new Promise<void>((resolve, reject) => {
    const req = httpRequest(url, { headers: { authorization: `Bearer ${token}` } }, (res) => {
      if (res.statusCode !== 200) return reject(new Error(`backup: ${res.statusCode}`))
      pipeline(res, createWriteStream(file)).then(resolve, reject)
    })
    req.on("error", reject)
    req.end()
  })

const upload = async (url: string, file: string) => {
  const { size } = await stat(file)
  return new Promise<void>((resolve, reject) => {
    const req = httpRequest(url, { method: "POST", headers: { "content-type": "application/octet-stream", "content-length": size } })
    req.on("response", (res) => {
      let text = ""
      res.on("data", (chunk) => (text += chunk))
      res.on("end", () => (res.statusCode === 201 ? resolve() : reject(new Error(`restore: ${res.statusCode} ${text}`))))
    })
    req.on("error", reject)
    pipeline(createReadStream(file), req).catch(reject)
  })
}

/** A fresh server process on the same store, warmed up by one small request of each kind. */
const freshServer = async (env: Record<string, string>) => {
  const server = await spawnServer(env)
  const ws = await postJson<Credentials>(`${server.url}/api/v1/workspaces`, undefined, {})
  await fetch(`${server.url}/api/v1/workspaces/${ws.workspaceId}/backup`, { headers: { authorization: `Bearer ${ws.masterToken}` } }).then(
    (r) => r.arrayBuffer()
  )
  return server
}

export const benchMemory = async (
  database: string,
  env: Record<string, string>,
  backupFile: string,
  mebibytes: number
): Promise<Array<MemoryRow>> => {
  const row = (operation: MemoryRow["operation"], measured: Awaited<ReturnType<typeof watch>>): MemoryRow => {
    const growthMiB = (measured.peakKiB - measured.baselineKiB) / 1024
    return {
      database,
      operation,
      workspaceMiB: mebibytes,
      seconds: Number(measured.seconds.toFixed(1)),
      baselineMiB: Number((measured.baselineKiB / 1024).toFixed(1)),
      peakMiB: Number((measured.peakKiB / 1024).toFixed(1)),
      growthMiB: Number(growthMiB.toFixed(1)),
      targetMiB: targetGrowthMiB,
      met: growthMiB <= targetGrowthMiB,
      healthMaxMs: Number(measured.healthMaxMs.toFixed(1))
    }
  }
  const filler = await spawnServer(env)
  const ws = await fillWorkspace(filler.url, mebibytes).finally(() => filler.stop())

  const rows: Array<MemoryRow> = []
  const downloader = await freshServer(env)
  try {
    const measured = await watch(downloader, () =>
      download(`${downloader.url}/api/v1/workspaces/${ws.workspaceId}/backup`, ws.masterToken, backupFile)
    )
    rows.push(row("backup download", measured))
  } finally {
    await downloader.stop()
  }
  const restorer = await freshServer(env)
  try {
    const measured = await watch(restorer, () => upload(`${restorer.url}/api/v1/workspaces/restore`, backupFile))
    rows.push(row("restore upload", measured))
  } finally {
    await restorer.stop()
  }
  return rows
}
