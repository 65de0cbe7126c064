/**
 * Long-poll at scale: 1,000 devices of one workspace wait on one server process (its own
 * process, so its RSS is the server's alone). Per round every device opens `changes/wait`;
 * once the server has gone quiet (they are all registered), one push lands and the round
 * measures the time until the last waiter has its answer.
 *
 * Extra RSS is, per round, the server's RSS with everyone waiting over its RSS just before
 * they came (both once it had gone quiet); the worst round counts. Between major collections
 * V8 keeps the garbage of the rounds before (about 30 KB a request), so the process's RSS also
 * climbs by that much a round until one runs: `peakMiB` shows that.
 *
 * BENCH_LONGPOLL_WAITERS (default 1000) and BENCH_LONGPOLL_ROUNDS (default 20) shrink it for a
 * smoke run; BENCH_CPU_PROF=<dir> writes a CPU profile of the server there.
 */
import { spawnServer } from "../testing/SpawnedServer.js"
import { assertLoopback, makeAgent, send } from "./Load.js"
import { settled, statusKiB } from "./ProcessStats.js"
import { percentile } from "./stores.js"

export interface LongPollRow {
  readonly database: string
  readonly waiters: number
  readonly rounds: number
  readonly baselineMiB: number
  /** The worst round's RSS with everyone waiting over its RSS just before. */
  readonly extraMiB: number
  /** The highest RSS seen, garbage of earlier rounds included. */
  readonly peakMiB: number
  readonly targetExtraMiB: number
  /** Push sent → the last of the waiters answered, per round. */
  readonly allAnsweredP50Ms: number
  readonly allAnsweredP95Ms: number
  /** Push sent → each waiter answered, over every waiter of every round. */
  readonly eachP95Ms: number
  readonly targetP95Ms: number
  readonly met: boolean
}

const targetExtraMiB = 100
const targetP95Ms = 200

const json = { "content-type": "application/json" }

export const benchLongPoll = async (database: string, env: Record<string, string>): Promise<LongPollRow> => {
  const waiters = Number(process.env.BENCH_LONGPOLL_WAITERS ?? 1000)
  const rounds = Number(process.env.BENCH_LONGPOLL_ROUNDS ?? 20)
  const profileDir = process.env.BENCH_CPU_PROF
  const server = await spawnServer(
    { ...env, RATE_LIMIT_PER_MINUTE: "1000000" },
    profileDir ? { nodeArgs: ["--cpu-prof", `--cpu-prof-dir=${profileDir}`] } : {}
  )
  assertLoopback(server.url)
  const api = `${server.url}/api/v1`
  const control = makeAgent(8)
  const post = async (path: string, body: unknown, token?: string) => {
    const reply = await send(
      control,
      `${api}${path}`,
      "POST",
      { ...json, ...(token ? { authorization: `Bearer ${token}` } : {}) },
      JSON.stringify(body)
    )
    if (reply.status !== 200 && reply.status !== 201) throw new Error(`POST ${path}: ${reply.status} ${reply.body}`)
    return JSON.parse(reply.body)
  }
  const waiting = makeAgent(waiters)
  try {
    const ws = await post("/workspaces", { label: "bench master" })
    const tokens: Array<string> = [ws.masterToken]
    // Paired eight at a time: a thousand devices take a few seconds.
    while (tokens.length < waiters) {
      const batch = Math.min(8, waiters - tokens.length)
      const paired = await Promise.all(
        Array.from({ length: batch }, async () => {
          const pairing = await post(`/workspaces/${ws.workspaceId}/pairings`, {}, ws.masterToken)
          return (await post("/pair", { workspaceId: ws.workspaceId, code: pairing.code, label: "bench" })).deviceToken as string
        })
      )
      tokens.push(...paired)
    }
    let head = 0
    let clientSeq = 0
    const pushOne = async () => {
      clientSeq += 1
      await post(
        `/workspaces/${ws.workspaceId}/changes`,
        { changes: [{ clientSeq, key: Buffer.alloc(16, 1).toString("base64url"), data: "AAAA" }] },
        ws.masterToken
      )
      head += 1
    }
    await pushOne()
    const pid = server.process.pid!
    await settled(pid)
    const baselineKiB = statusKiB(pid, "VmRSS")
    let extraKiB = 0
    let peakKiB = baselineKiB
    const allAnswered: Array<number> = []
    const each: Array<number> = []
    for (let round = 0; round < rounds; round++) {
      await settled(pid)
      const beforeKiB = statusKiB(pid, "VmRSS")
      let pushedAt = Number.POSITIVE_INFINITY
      let early = 0
      const after = head
      const answers = tokens.map(async (token) => {
        const reply = await send(waiting, `${api}/workspaces/${ws.workspaceId}/changes/wait?after=${after}&timeout=60`, "GET", {
          authorization: `Bearer ${token}`
        })
        const at = performance.now()
        if (reply.status !== 200 || !(JSON.parse(reply.body).headSeq > after)) throw new Error(`wait: ${reply.status} ${reply.body}`)
        if (at < pushedAt) early += 1
        return at
      })
      await settled(pid)
      const waitingKiB = statusKiB(pid, "VmRSS")
      extraKiB = Math.max(extraKiB, waitingKiB - beforeKiB)
      peakKiB = Math.max(peakKiB, waitingKiB, statusKiB(pid, "VmHWM"))
      pushedAt = performance.now()
      await pushOne()
      const times = await Promise.all(answers)
      if (early > 0) throw new Error(`${early} waiters answered before the push: they were not all registered`)
      const delays = times.map((at) => at - pushedAt)
      each.push(...delays)
      allAnswered.push(Math.max(...delays))
    }
    const extraMiB = Number((extraKiB / 1024).toFixed(1))
    const allAnsweredP95Ms = percentile(allAnswered, 95)
    return {
      database,
      waiters,
      rounds,
      baselineMiB: Number((baselineKiB / 1024).toFixed(1)),
      extraMiB,
      peakMiB: Number((peakKiB / 1024).toFixed(1)),
      targetExtraMiB,
      allAnsweredP50Ms: percentile(allAnswered, 50),
      allAnsweredP95Ms,
      eachP95Ms: percentile(each, 95),
      targetP95Ms,
      met: extraMiB <= targetExtraMiB && allAnsweredP95Ms <= targetP95Ms
    }
  } finally {
    waiting.destroy()
    control.destroy()
    await server.stop()
  }
}
