/** Fresh, empty stores for bench runs: a temporary data folder, plus a new database on a real Postgres. */
import { mkdtemp, rm } from "node:fs/promises"
import { tmpdir } from "node:os"
import * as path from "node:path"
import pg from "pg"

export const withStore = async <A>(adminUrl: string | undefined, run: (env: Record<string, string>) => Promise<A>): Promise<A> => {
  const dataDir = await mkdtemp(path.join(tmpdir(), "quire-bench-"))
  if (!adminUrl) {
    try {
      return await run({ DATA_DIR: dataDir })
    } finally {
      await rm(dataDir, { recursive: true, force: true })
    }
  }
  const name = `quire_bench_${Date.now()}`
  const admin = new pg.Client({ connectionString: adminUrl })
  await admin.connect()
  await admin.query(`CREATE DATABASE ${name}`)
  const url = new URL(adminUrl)
  url.pathname = `/${name}`
  try {
    return await run({ DATA_DIR: dataDir, DATABASE_URL: url.toString() })
  } finally {
    await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)
    await admin.end()
    await rm(dataDir, { recursive: true, force: true })
  }
}

/**
 * The databases a bench runs on: the embedded one always, a real Postgres with TEST_DATABASE_URL;
 * BENCH_DATABASES (e.g. `postgres`) keeps only those named.
 */
export const benchDatabases = (): Array<readonly [string, string | undefined]> => {
  const adminUrl = process.env.TEST_DATABASE_URL
  const all: Array<readonly [string, string | undefined]> = [
    ["embedded", undefined],
    ...(adminUrl ? [["postgres", adminUrl] as const] : [])
  ]
  const wanted = process.env.BENCH_DATABASES?.split(",")
  return wanted ? all.filter(([name]) => wanted.includes(name)) : all
}

/** The nearest-rank percentile: the smallest sample at least `p`% of the samples do not exceed. */
export const percentile = (samples: ArrayLike<number>, p: number) => {
  const sorted = Float64Array.from(samples).sort()
  if (sorted.length === 0) return NaN
  return Number(sorted[Math.max(0, Math.ceil((p / 100) * sorted.length) - 1)]!.toFixed(2))
}
