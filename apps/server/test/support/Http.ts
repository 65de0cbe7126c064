/** A thin fetch wrapper for tests that need to send exactly what they mean, bad input included. */
import { createHash } from "node:crypto"

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- by default the server's JSON as it came: each test asserts the fields it reads
export interface Reply<T = any> {
  readonly status: number
  readonly body: T
  readonly headers: Headers
}

export interface RequestOptions {
  readonly token?: string
  readonly json?: unknown
  readonly body?: string | Uint8Array
  readonly headers?: Record<string, string>
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- as Reply: by default the JSON is not typed
export const request = async <T = any>(base: string, method: string, path: string, options: RequestOptions = {}): Promise<Reply<T>> => {
  const headers: Record<string, string> = { ...options.headers }
  if (options.token) headers.authorization = `Bearer ${options.token}`
  let body = options.body
  if (options.json !== undefined) {
    headers["content-type"] ??= "application/json"
    body = JSON.stringify(options.json)
  }
  const response = await fetch(`${base}/api/v1${path}`, { method, headers, ...(body === undefined ? {} : { body }) })
  const type = response.headers.get("content-type") ?? ""
  const parsed = type.includes("json") ? await response.json() : new Uint8Array(await response.arrayBuffer())
  return { status: response.status, body: parsed as T, headers: response.headers }
}

export const b64 = (text: string | Uint8Array) => Buffer.from(text).toString("base64")
export const unb64 = (data: string) => Buffer.from(data, "base64").toString("utf8")
export const octets = (bytes: Uint8Array) => ({ body: bytes, headers: { "content-type": "application/octet-stream" } })

/** A document key as the client would send it: 16 bytes, base64url, here derived from a name. */
export const keyOf = (name: string) => createHash("sha256").update(name).digest().subarray(0, 16).toString("base64url")

/** Creates a workspace and returns its credentials. */
export const createWorkspace = async (base: string, label = "test device") => {
  const reply = await request(base, "POST", "/workspaces", { json: { label } })
  if (reply.status !== 201) throw new Error(`create workspace: ${reply.status} ${JSON.stringify(reply.body)}`)
  return reply.body as { workspaceId: string; deviceId: string; masterToken: string }
}

/** Pairs a new device into the workspace and returns its token. */
export const pairDevice = async (base: string, workspaceId: string, masterToken: string, label = "second device") => {
  const pairing = await request(base, "POST", `/workspaces/${workspaceId}/pairings`, { token: masterToken, json: {} })
  if (pairing.status !== 201) throw new Error(`create pairing: ${pairing.status} ${JSON.stringify(pairing.body)}`)
  const paired = await request(base, "POST", "/pair", { json: { workspaceId, code: pairing.body.code, label } })
  if (paired.status !== 201) throw new Error(`pair: ${paired.status} ${JSON.stringify(paired.body)}`)
  return paired.body as { deviceId: string; deviceToken: string }
}

export interface TestChange {
  readonly clientSeq: number
  /** Text or bytes; either way the server stores bytes. */
  readonly text: string | Uint8Array
  /** The document's name; its key is `keyOf(doc)`. */
  readonly doc?: string
}

export const push = (base: string, workspaceId: string, token: string, changes: ReadonlyArray<TestChange>) =>
  request(base, "POST", `/workspaces/${workspaceId}/changes`, {
    token,
    json: { changes: changes.map((c) => ({ clientSeq: c.clientSeq, key: keyOf(c.doc ?? "doc"), data: b64(c.text) })) }
  })

export const compact = (
  base: string,
  workspaceId: string,
  token: string,
  compaction: { readonly doc: string; readonly covers: number; readonly clientSeq: number; readonly text: string | Uint8Array }
) =>
  request(base, "POST", `/workspaces/${workspaceId}/compactions`, {
    token,
    json: { key: keyOf(compaction.doc), covers: compaction.covers, clientSeq: compaction.clientSeq, data: b64(compaction.text) }
  })

export const info = async (base: string, workspaceId: string, token: string) => {
  const reply = await request(base, "GET", `/workspaces/${workspaceId}`, { token })
  if (reply.status !== 200) throw new Error(`workspace info: ${reply.status} ${JSON.stringify(reply.body)}`)
  return reply.body as {
    workspaceId: string
    headSeq: number
    changeCount: number
    bytesUsed: number
    quotaBytes: number
    createdAt: string
  }
}

export interface PulledChange {
  readonly seq: number
  readonly deviceId: string
  readonly key: string
  readonly kind: "update" | "snapshot"
  readonly data: string
}

/** Pulls every change after `after`, page by page; returns them with the pages' sizes. */
export const pullAll = async (base: string, workspaceId: string, token: string, query = "") => {
  const changes: Array<PulledChange> = []
  const pageBytes: Array<number> = []
  let after = 0
  for (;;) {
    const response = await fetch(`${base}/api/v1/workspaces/${workspaceId}/changes?after=${after}${query}`, {
      headers: { authorization: `Bearer ${token}` }
    })
    const text = await response.text()
    if (response.status !== 200) throw new Error(`pull: ${response.status} ${text}`)
    pageBytes.push(Buffer.byteLength(text))
    const page = JSON.parse(text) as { changes: Array<PulledChange>; headSeq: number; hasMore: boolean }
    changes.push(...page.changes)
    after = page.changes.at(-1)?.seq ?? after
    if (!page.hasMore) return { changes, pageBytes, headSeq: page.headSeq }
  }
}
