/** What a bench reads about a server process from /proc (Linux): memory and CPU time. */
import { readFileSync, writeFileSync } from "node:fs"

export const statusKiB = (pid: number, field: "VmRSS" | "VmHWM") => {
  const line = readFileSync(`/proc/${pid}/status`, "utf8")
    .split("\n")
    .find((l) => l.startsWith(`${field}:`))
  return Number(line?.match(/(\d+)/)?.[1] ?? 0)
}

/** Resets the process's peak RSS (VmHWM) to its current RSS; Linux-only, ignored elsewhere. */
export const resetPeak = (pid: number) => {
  try {
    writeFileSync(`/proc/${pid}/clear_refs`, "5")
  } catch {
    // Not permitted or not Linux: sampling alone measures the peak.
  }
}

/** User plus system CPU time of the process so far, in clock ticks. */
export const cpuTicks = (pid: number) => {
  const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]!.split(" ")
  return Number(fields[11]) + Number(fields[12])
}

/** Resolves once the process has used no CPU for `quietMs` (it has taken in what was sent), or after `maxMs`. */
export const settled = async (pid: number, quietMs = 300, maxMs = 30_000) => {
  const started = Date.now()
  let last = cpuTicks(pid)
  let quietSince = Date.now()
  while (Date.now() - started < maxMs) {
    await new Promise((resolve) => setTimeout(resolve, 50))
    const now = cpuTicks(pid)
    if (now !== last) {
      last = now
      quietSince = Date.now()
    } else if (Date.now() - quietSince >= quietMs) return
  }
}
