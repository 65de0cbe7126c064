/**
 * A small closed-loop load generator for the benches: each client sends its next request as
 * soon as the previous one was answered, over keep-alive connections, for a bounded time and
 * only to loopback. Plain `node:http`, so the generator's own cost stays small on a machine
 * it shares with the server.
 */
import { Agent, request as httpRequest } from "node:http"

export interface Reply {
  readonly status: number
  readonly body: string
}

const loopback = new Set(["127.0.0.1", "localhost", "[::1]"])

/** Refuses any target that is not this machine: a bench must never load someone else's server. */
export const assertLoopback = (url: string) => {
  const { hostname } = new URL(url)
  if (!loopback.has(hostname)) throw new Error(`a bench only loads loopback, not ${hostname}`)
}

export const makeAgent = (sockets: number) => new Agent({ keepAlive: true, maxSockets: sockets, maxFreeSockets: sockets })

export const send = (agent: Agent, url: string, method: string, headers: Record<string, string>, body?: string) =>
  new Promise<Reply>((resolve, reject) => {
    const req = httpRequest(
      url,
      { agent, method, headers: body === undefined ? headers : { ...headers, "content-length": String(Buffer.byteLength(body)) } },
      (res) => {
        let text = ""
        res.setEncoding("utf8")
        res.on("data", (chunk: string) => (text += chunk))
        res.on("end", () => resolve({ status: res.statusCode ?? 0, body: text }))
        res.on("error", reject)
      }
    )
    req.on("error", reject)
    req.end(body)
  })

export interface Client {
  /** The next request's URL, headers and body; called once per request. */
  readonly next: () => { readonly url: string; readonly headers: Record<string, string>; readonly body: string }
  /** How many units (pushes, changes) one answered request counts for. */
  readonly units: number
}

export interface LoadResult {
  /** Units per second over the measured time. */
  readonly rate: number
  /** Latencies of the requests started after the warm-up, in ms. */
  readonly latencies: Array<number>
  readonly requests: number
  /** Units answered over the whole run, warm-up included. */
  readonly allUnits: number
  readonly failures: number
  readonly firstFailure?: string
}

/**
 * Runs every client in a closed loop for `warmupMs` (not counted) and then `durationMs`;
 * a request in flight at the end is awaited but not counted.
 */
export const runLoad = async (
  clients: ReadonlyArray<Client>,
  options: { readonly warmupMs: number; readonly durationMs: number }
): Promise<LoadResult> => {
  const agent = makeAgent(clients.length)
  const start = performance.now()
  const measureFrom = start + options.warmupMs
  const end = measureFrom + options.durationMs
  const latencies: Array<number> = []
  let units = 0
  let allUnits = 0
  let failures = 0
  let firstFailure: string | undefined
  await Promise.all(
    clients.map(async (client) => {
      while (performance.now() < end) {
        const { url, headers, body } = client.next()
        assertLoopback(url)
        const sent = performance.now()
        const reply = await send(agent, url, "POST", headers, body)
        const answered = performance.now()
        if (reply.status === 200) allUnits += client.units
        if (sent < measureFrom || answered > end) continue
        if (reply.status !== 200) {
          failures += 1
          firstFailure ??= `${reply.status} ${reply.body.slice(0, 200)}`
          continue
        }
        latencies.push(answered - sent)
        units += client.units
      }
    })
  )
  agent.destroy()
  return {
    rate: units / (options.durationMs / 1000),
    latencies,
    requests: latencies.length,
    allUnits,
    failures,
    ...(firstFailure ? { firstFailure } : {})
  }
}
