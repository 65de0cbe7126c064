/** The workspace document: its name and settings, one per workspace, id `workspace`. */
import type { LoroDoc } from "loro-crdt"

export const workspaceDocId = "workspace"
const workspaceRoot = "workspace"

export interface WorkspaceMeta {
  readonly name: string
}

export const readWorkspace = (doc: LoroDoc): WorkspaceMeta => {
  const name = doc.getMap(workspaceRoot).get("name")
  return { name: typeof name === "string" ? name : "" }
}

export const setWorkspaceName = (doc: LoroDoc, name: string): void => {
  doc.getMap(workspaceRoot).set("name", name)
}
