/** The workspace document: its name and settings, one per workspace, id `workspace`. */
import { isContainer, type LoroDoc, type LoroMap } from "loro-crdt"

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

/**
 * What a device reports about changes it holds but could not read (its quarantine): chunks an
 * unread change refers to would look unreferenced, so the master removes none while any report
 * is not zero. Each device writes only its own key of the mergeable map `unreadable`, so reports
 * of several devices merge without conflict.
 */
export interface UnreadableReport {
  readonly count: number
  /** When the device last changed its report. */
  readonly at: number
}

const unreadableKey = "unreadable"

const unreadableMap = (doc: LoroDoc): LoroMap | undefined => {
  const value = doc.getMap(workspaceRoot).get(unreadableKey)
  return isContainer(value) && value.kind() === "Map" ? (value as LoroMap) : undefined
}

/** Every device's report, by device id; values that are not reports (a newer app's) count as unreadable. */
export const unreadableReports = (doc: LoroDoc): Map<string, UnreadableReport> => {
  const reports = new Map<string, UnreadableReport>()
  for (const [deviceId, value] of unreadableMap(doc)?.entries() ?? []) {
    const report = value as Partial<UnreadableReport> | null
    const valid = typeof report === "object" && report !== null && typeof report.count === "number" && typeof report.at === "number"
    reports.set(deviceId, valid ? { count: report.count!, at: report.at! } : { count: 1, at: 0 })
  }
  return reports
}

/**
 * Sets this device's report: how many changes it could not read. A count of zero removes the
 * report. Returns whether it changed anything (the caller then commits and syncs the change).
 */
export const reportUnreadable = (doc: LoroDoc, deviceId: string, count: number, now: number): boolean => {
  const current = unreadableReports(doc).get(deviceId)
  if (count === 0) {
    if (current === undefined) return false
    unreadableMap(doc)!.delete(deviceId)
    return true
  }
  if (current?.count === count) return false
  doc.getMap(workspaceRoot).ensureMergeableMap(unreadableKey).set(deviceId, { count, at: now })
  return true
}
