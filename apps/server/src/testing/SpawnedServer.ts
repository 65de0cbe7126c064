/**
 * Runs the built server (`dist/main.js`) as a child process, for tests that need to kill,
 * restart or multiply it. Resolves once it logs that it is listening.
 */
import { spawn, type ChildProcess } from "node:child_process"
import { createServer } from "node:net"
import * as path from "node:path"
import { fileURLToPath } from "node:url"
import type { RunningServer } from "./InProcessServer.js"

/** No rate limiting to speak of: tests create many workspaces from one address. */
const quietEnv = { RATE_LIMIT_PER_MINUTE: "100000" }

export const freePort = () =>
  new Promise<number>((resolve, reject) => {
    const probe = createServer()
    probe.once("error", reject)
    probe.listen(0, "127.0.0.1", () => {
      const { port } = probe.address() as { port: number }
      probe.close(() => resolve(port))
    })
  })

/** The built entry point, whether this module runs from src/testing or dist/testing. */
const mainJs = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../dist/main.js")

export interface SpawnedServer extends RunningServer {
  readonly process: ChildProcess
  /** What the process wrote (its last mebibyte: a bench logs a line per request), for assertions on logs and errors. */
  readonly output: () => string
  readonly exited: Promise<number | null>
}

export interface SpawnOptions {
  /** Options for node itself, e.g. `--cpu-prof`. */
  readonly nodeArgs?: ReadonlyArray<string>
  /** The script to run instead of the server's `dist/main.js` (the bench's floor server). */
  readonly script?: string
  /** What the script logs once it listens. */
  readonly listening?: string
}

const keptOutput = 1024 * 1024

/** Starts `node dist/main.js` with `env` and resolves once it logs that it is listening. */
export const spawnServer = async (env: Record<string, string>, options: SpawnOptions = {}): Promise<SpawnedServer> => {
  const port = env.PORT ? Number(env.PORT) : await freePort()
  const child = spawn(process.execPath, [...(options.nodeArgs ?? []), options.script ?? mainJs], {
    env: { ...process.env, ...quietEnv, LOG_LEVEL: "info", ...env, PORT: String(port) },
    stdio: ["ignore", "pipe", "pipe"]
  })
  let output = ""
  const keep = (chunk: Buffer) => {
    output += chunk
    if (output.length > 2 * keptOutput) output = output.slice(-keptOutput)
  }
  child.stdout!.on("data", keep)
  child.stderr!.on("data", keep)
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)))
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start within 30 s:\n${output}`)), 30_000)
    const onData = () => {
      if (output.includes(options.listening ?? "Quire is listening")) {
        clearTimeout(timer)
        resolve()
      }
    }
    child.stdout!.on("data", onData)
    void exited.then((code) => {
      clearTimeout(timer)
      reject(new Error(`server exited with ${code} before listening:\n${output}`))
    })
  })
  return {
    url: `http://127.0.0.1:${port}`,
    process: child,
    output: () => output,
    exited,
    stop: async () => {
      if (child.exitCode === null) child.kill("SIGTERM")
      await exited
    }
  }
}

/** Runs `node dist/main.js` expecting it to refuse to start; resolves with its exit code and output. */
export const runServerExpectingFailure = (env: Record<string, string>) =>
  new Promise<{ code: number | null; output: string }>((resolve) => {
    const child = spawn(process.execPath, [mainJs], { env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "pipe"] })
    let output = ""
    child.stdout.on("data", (chunk) => (output += chunk))
    child.stderr.on("data", (chunk) => (output += chunk))
    child.once("exit", (code) => resolve({ code, output }))
  })
