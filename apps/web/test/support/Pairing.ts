/** Makes a share link the way the master device's UI will: a pairing code plus the key. */
import { readMeta } from "../../src/data/Meta.js"
import { formatShareLink } from "../../src/sync/ShareLink.js"
import type { Device } from "./Device.js"

export const shareLinkFrom = async (master: Device): Promise<string> => {
  const credentials = (await readMeta(master.db, "workspace"))!
  const response = await fetch(`${credentials.serverUrl}/api/v1/workspaces/${credentials.workspaceId}/pairings`, {
    method: "POST",
    headers: { authorization: `Bearer ${credentials.token}`, "content-type": "application/json" },
    body: "{}"
  })
  if (response.status !== 201) throw new Error(`create pairing: ${response.status} ${await response.text()}`)
  const { code } = (await response.json()) as { code: string }
  return formatShareLink({ serverUrl: credentials.serverUrl, workspaceId: credentials.workspaceId, code, key: credentials.workspaceKey })
}
