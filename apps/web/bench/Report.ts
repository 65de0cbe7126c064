/** What the benchmarks share: percentiles, and writing a result file next to the others. */
import { mkdir, writeFile } from "node:fs/promises"
import * as path from "node:path"
import { fileURLToPath } from "node:url"

export const percentile = (samples: ReadonlyArray<number>, p: number, digits = 2) => {
  const sorted = [...samples].sort((a, b) => a - b)
  return Number(sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!.toFixed(digits))
}

/** Prints the rows as a table and writes bench-results/<name>.json at the repository root. */
export const report = async (name: string, rows: ReadonlyArray<object>) => {
  console.table(rows)
  const outDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../../bench-results")
  await mkdir(outDir, { recursive: true })
  await writeFile(
    path.join(outDir, `${name}.json`),
    JSON.stringify({ measuredAt: new Date().toISOString(), node: process.version, rows }, null, 2)
  )
}
