/**
 * CPU time of the processes a bench started (Chromium's, the server's, a Postgres it was given),
 * by kind, read from Linux's /proc: on a small machine a throughput figure is often how much CPU
 * every step takes together, and this says which process took it. Empty elsewhere.
 */
import { readdirSync, readFileSync } from "node:fs"

interface Sample {
  readonly kind: string
  readonly parent: number
  readonly cpuMs: number
}

/** What a process is, from its command line: Chromium's process type, the server, Postgres. */
const kindOf = (commandLine: string) => {
  if (commandLine.includes("chromium")) {
    const type = /--type=(\S+)/.exec(commandLine)?.[1]
    const service = /--utility-sub-type=(\S+)/.exec(commandLine)?.[1]
    return type === undefined ? "Chromium's browser process" : `Chromium's ${service ?? type}`
  }
  if (commandLine.includes("dist/main.js")) return "the server (and the embedded database, which runs inside it)"
  if (commandLine.startsWith("postgres")) return "Postgres"
  return "the bench (vitest, Playwright, heap sampling)"
}

const readAll = (): Map<number, Sample> => {
  const all = new Map<number, Sample>()
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue
    try {
      const fields = readFileSync(`/proc/${entry}/stat`, "utf8").split(") ")[1]!.split(" ")
      const commandLine = readFileSync(`/proc/${entry}/cmdline`, "utf8").replaceAll("\0", " ")
      all.set(Number(entry), {
        kind: kindOf(commandLine),
        parent: Number(fields[1]),
        cpuMs: (Number(fields[11]) + Number(fields[12])) * 10
      })
    } catch {
      // The process ended while being read.
    }
  }
  return all
}

/** This process and its descendants, plus Postgres (started apart, used only by the bench's server). */
const oursOf = (all: Map<number, Sample>) =>
  new Map(
    [...all].filter(([pid, sample]) => {
      if (sample.kind === "Postgres") return true
      for (let at = pid, hops = 0; at > 1 && hops < 32; at = all.get(at)?.parent ?? 0, hops++) if (at === process.pid) return true
      return false
    })
  )

export const sampleCpu = (): Map<number, Sample> => {
  try {
    return oursOf(readAll())
  } catch {
    return new Map()
  }
}

/** Cores used by each kind of process since `before`, over `ms`, most first. */
export const coresSince = (before: Map<number, Sample>, ms: number): Array<{ kind: string; cores: number }> => {
  const byKind = new Map<string, number>()
  for (const [pid, now] of sampleCpu()) byKind.set(now.kind, (byKind.get(now.kind) ?? 0) + now.cpuMs - (before.get(pid)?.cpuMs ?? 0))
  return [...byKind]
    .map(([kind, cpuMs]) => ({ kind, cores: Number((cpuMs / ms).toFixed(2)) }))
    .filter((row) => row.cores > 0)
    .sort((a, b) => b.cores - a.cores)
}
