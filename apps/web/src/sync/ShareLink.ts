/**
 * Share links: `<origin>/pair#ws=<id>&code=<one-time code>&key=<base64url key>`. Everything
 * secret is in the fragment, which browsers never send over HTTP.
 */
export interface ShareLink {
  readonly serverUrl: string
  readonly workspaceId: string
  readonly code: string
  readonly key: string
}

export const formatShareLink = (link: ShareLink): string => {
  const fragment = new URLSearchParams({ ws: link.workspaceId, code: link.code, key: link.key })
  return `${link.serverUrl.replace(/\/$/, "")}/pair#${fragment.toString()}`
}

export type ShareLinkProblem = "not a link" | "missing workspace" | "missing code" | "missing key"

export const parseShareLink = (text: string): ShareLink | ShareLinkProblem => {
  let url: URL
  try {
    url = new URL(text.trim())
  } catch {
    return "not a link"
  }
  const params = new URLSearchParams(url.hash.replace(/^#/, ""))
  const workspaceId = params.get("ws")
  const code = params.get("code")
  const key = params.get("key")
  if (!workspaceId) return "missing workspace"
  if (!code) return "missing code"
  if (!key) return "missing key"
  return { serverUrl: url.origin, workspaceId, code, key }
}
