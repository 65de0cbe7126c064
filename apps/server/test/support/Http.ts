/** A thin fetch wrapper for tests that need to send exactly what they mean, bad input included. */
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

export const b64 = (text: string) => Buffer.from(text, "utf8").toString("base64")
export const unb64 = (data: string) => Buffer.from(data, "base64").toString("utf8")

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

export const push = (base: string, workspaceId: string, token: string, changes: ReadonlyArray<{ clientSeq: number; text: string }>) =>
  request(base, "POST", `/workspaces/${workspaceId}/changes`, {
    token,
    json: { changes: changes.map((c) => ({ clientSeq: c.clientSeq, data: b64(c.text) })) }
  })
