import { LoroDoc } from "loro-crdt"
import { describe, expect, it } from "vitest"
import { readWorkspace, reportUnreadable, setWorkspaceName, unreadableReports } from "./WorkspaceDoc.js"

const replica = (peer: bigint, from?: LoroDoc) => {
  const doc = new LoroDoc()
  doc.setPeerId(peer)
  if (from) doc.import(from.export({ mode: "snapshot" }))
  return doc
}

describe("WorkspaceDoc", () => {
  it("keeps the workspace's name", () => {
    const doc = new LoroDoc()
    setWorkspaceName(doc, "Home")
    expect(readWorkspace(doc)).toEqual({ name: "Home" })
  })

  it("reports of two devices written at once both survive the merge", () => {
    const base = replica(1n)
    base.commit()
    const a = replica(2n, base)
    const b = replica(3n, base)
    expect(reportUnreadable(a, "device-a", 2, 100)).toBe(true)
    expect(reportUnreadable(b, "device-b", 1, 200)).toBe(true)
    a.commit()
    b.commit()
    a.import(b.export({ mode: "update" }))
    b.import(a.export({ mode: "update" }))
    const expected = new Map([
      ["device-a", { count: 2, at: 100 }],
      ["device-b", { count: 1, at: 200 }]
    ])
    expect(unreadableReports(a)).toEqual(expected)
    expect(unreadableReports(b)).toEqual(expected)
  })

  it("an unchanged count writes nothing; zero removes the report", () => {
    const doc = new LoroDoc()
    expect(reportUnreadable(doc, "d", 0, 1)).toBe(false)
    expect(reportUnreadable(doc, "d", 3, 1)).toBe(true)
    expect(reportUnreadable(doc, "d", 3, 2)).toBe(false)
    expect(unreadableReports(doc).get("d")).toEqual({ count: 3, at: 1 })
    expect(reportUnreadable(doc, "d", 0, 3)).toBe(true)
    expect(unreadableReports(doc).size).toBe(0)
  })

  it("a report it cannot read (a newer app's) counts as unreadable, never as clear", () => {
    const doc = new LoroDoc()
    doc.getMap("workspace").ensureMergeableMap("unreadable").set("newer", { changes: 4 })
    expect(unreadableReports(doc).get("newer")?.count).toBeGreaterThan(0)
  })
})
