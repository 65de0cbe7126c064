/**
 * What IndexedDB itself costs a first pull in this browser: the rows a pulled note becomes
 * (`docs`, `notes`, `noteText`, `docLog`, with the indexes QuireDb gives them) written
 * straight into a fresh database, 2,500 notes per transaction, with no app code running. A
 * first pull cannot be faster than this without writing fewer rows.
 */
import type { Page } from "playwright-core"

export const indexedDbFloorMs = (page: Page, notes: number): Promise<number> =>
  page.evaluate(async (count) => {
    const db: IDBDatabase = await new Promise((resolve, reject) => {
      const request = indexedDB.open(`floor-${Math.random()}`, 1)
      request.onupgradeneeded = () => {
        const created = request.result
        // As in QuireDb.
        created.createObjectStore("docs", { keyPath: "id" }).createIndex("schemaVersion", "schemaVersion")
        const notes = created.createObjectStore("notes", { keyPath: "id" })
        notes.createIndex("updatedAt", "updatedAt")
        notes.createIndex("tags", "tags", { multiEntry: true })
        notes.createIndex("pinned", "pinned")
        notes.createIndex("trashed", "trashed")
        created.createObjectStore("noteText", { keyPath: "id" }).createIndex("at", "at")
        created.createObjectStore("docLog", { keyPath: "key" }).createIndex("tailCount", "tailCount")
      }
      request.onsuccess = () => resolve(request.result)
      request.onerror = () => reject(request.error ?? new Error("could not open"))
    })
    const snapshot = Uint8Array.from({ length: 300 }, (_, i) => i)
    const started = performance.now()
    for (let from = 0; from < count; from += 2500) {
      const tx = db.transaction(["docs", "notes", "noteText", "docLog"], "readwrite")
      const done = new Promise((resolve, reject) => {
        tx.oncomplete = resolve
        tx.onerror = () => reject(tx.error ?? new Error("transaction failed"))
      })
      for (let i = from; i < Math.min(count, from + 2500); i++) {
        const id = `${i.toString(36).padStart(8, "0")}-0000-4000-8000-000000000000`
        const now = Date.now()
        tx.objectStore("docs").put({ id, snapshot, version: snapshot.slice(0, 24), schemaVersion: 3, key: snapshot.slice(0, 16) })
        tx.objectStore("notes").put({
          id,
          title: `Note ${i}`,
          preview: `Body of note ${i} with a second line`,
          tags: [],
          pinned: 0,
          trashed: 0,
          createdAt: now,
          updatedAt: now
        })
        tx.objectStore("noteText").put({ id, text: `Note ${i}\nBody of note ${i}\nwith a second line`, at: now })
        tx.objectStore("docLog").put({
          key: id,
          docId: id,
          tailCount: 1,
          tailBytes: 300,
          snapshotBytes: 0,
          coveredCount: 0,
          lastChangeAt: now,
          lastDeviceId: id
        })
      }
      await done
    }
    const ms = performance.now() - started
    db.close()
    return ms
  }, notes)
