/**
 * Removing attachment chunks no note refers to any more (docs/decisions/0011). `DocStore`
 * notes a chunk in `blobOrphans` when the last `attachments` row naming it goes (delete
 * forever; a trashed note keeps its files). Only the master device removes them, from the
 * server and from its own cache, and only once they have been unreferenced for 30 days, so a
 * device that was offline for a while, or a file added again meanwhile, has time to name them
 * again. An unreferenced-looking chunk may be named by a change someone could not read, so
 * nothing is removed while any device reports an unreadable change, while the master holds
 * one itself, holds a Loro update waiting on a missing dependency, or holds a note written by
 * a newer app (whose manifests it may not understand).
 */
import { latestVersion } from "@quire/migrations"
import { reportUnreadable, unreadableReports, workspaceDocId } from "@quire/schema"
import { Either } from "effect"
import { LoroDoc } from "loro-crdt"
import { sizeOfChunk } from "../attachments/StoredChunk.js"
import type { DocStore } from "../data/DocStore.js"
import { readMeta } from "../data/Meta.js"
import type { BlobOrphanRow, QuireDb } from "../data/QuireDb.js"
import type { SyncApi } from "./SyncApi.js"
import type { SyncError } from "./SyncError.js"

/** How long a chunk stays after the last note stopped naming it. */
export const orphanGraceMs = 30 * 24 * 60 * 60 * 1000

/** How long a collection that had to wait waits before it looks again. */
export const heldRetryMs = 60 * 60 * 1000

/** What a collection did, or why it held off (`held`). */
export type Collection =
  | { readonly kind: "not-master" }
  | { readonly kind: "nothing-due" }
  | { readonly kind: "held"; readonly reason: string }
  | { readonly kind: "collected"; readonly removed: ReadonlyArray<string>; readonly failure?: SyncError }

/** The workspace document as stored, with any updates it holds back: small, read apart from the store's copy. */
const storedWorkspaceDoc = async (db: QuireDb): Promise<LoroDoc> => {
  const doc = new LoroDoc()
  const row = await db.docs.get(workspaceDocId)
  if (row) {
    doc.import(row.snapshot)
    if (row.pending) doc.import(row.pending)
  }
  return doc
}

export class BlobCollector {
  constructor(
    private readonly db: QuireDb,
    private readonly store: DocStore,
    private readonly api: Pick<SyncApi, "deleteBlob">,
    private readonly clock: () => number = Date.now,
    /** Pulls what other devices wrote since (the engine's pull): run just before and just after deleting. */
    private readonly catchUp: () => Promise<void> = async () => {}
  ) {}

  /**
   * Keeps this device's report of unreadable changes equal to its quarantine: an ordinary edit
   * of the workspace document, made early in a round, which the round pushes (a change set
   * aside by a round's pull is reported by the next round). Answers whether it wrote one.
   */
  async report(): Promise<boolean> {
    const count = await this.db.quarantine.count()
    if (count === this.reported) return false
    const credentials = await readMeta(this.db, "workspace")
    if (!credentials) return false
    const { deviceId } = credentials
    const reported = unreadableReports(await storedWorkspaceDoc(this.db)).get(deviceId)?.count ?? 0
    const changed = reported !== count
    if (changed) await this.store.change(workspaceDocId, (doc, now) => void reportUnreadable(doc, deviceId, count, now))
    this.reported = count
    return changed
  }

  /** The count this device's report holds, once read or written: only this device writes it, so a round need not read it again. */
  private reported: number | undefined

  /** Why removing must wait, if it must. */
  private async holdReason(): Promise<string | undefined> {
    if ((await this.db.quarantine.count()) > 0) return "this device holds changes it could not read"
    for (const [deviceId, report] of unreadableReports(await storedWorkspaceDoc(this.db))) {
      if (report.count > 0) return `device ${deviceId} reports ${report.count} change(s) it could not read`
    }
    if ((await this.db.docs.where("schemaVersion").above(latestVersion).count()) > 0) return "a note was written by a newer app"
    if ((await this.db.docs.filter((row) => row.pending !== undefined).count()) > 0) {
      return "updates wait on changes this device has not received"
    }
    return undefined
  }

  /** Removes, on the master, what is due (see `collectDue`); other devices never remove anything. */
  async collect(): Promise<Collection> {
    const credentials = await readMeta(this.db, "workspace")
    return credentials?.role === "master" ? this.collectDue() : { kind: "not-master" }
  }

  /** When a held collection is looked at again: the checks read every document, which is not for every round. */
  private heldUntil = 0

  /** Removes every chunk unreferenced for the grace period, on the server first, then here. */
  private async collectDue(): Promise<Collection> {
    const now = this.clock()
    const due = await this.db.blobOrphans.filter((row) => row.since <= now - orphanGraceMs).toArray()
    if (due.length === 0) return { kind: "nothing-due" }
    if (now < this.heldUntil) return { kind: "held", reason: "held at the last look" }
    const reason = await this.holdReason()
    if (reason) {
      this.heldUntil = now + heldRetryMs
      return { kind: "held", reason }
    }
    // Another device may be naming one of these again right now (the same file added anew, its
    // chunks found on the server so not sent): reading the log just before deleting narrows that
    // to the instant between, and reading it again after lets this device send back what it holds.
    await this.catchUp()
    const removed: Array<BlobOrphanRow> = []
    let failure: SyncError | undefined
    for (const orphan of due) {
      if (!(await this.stillOrphan(orphan.id, orphan.since))) continue
      const deleted = await this.api.deleteBlob(orphan.id)
      if (Either.isLeft(deleted)) {
        failure = deleted.left
        break
      }
      removed.push(orphan)
    }
    if (removed.length > 0 && !failure) await this.catchUp()
    for (const orphan of removed) await this.removeHere(orphan.id, orphan.since)
    const ids = removed.map((orphan) => orphan.id)
    return failure ? { kind: "collected", removed: ids, failure } : { kind: "collected", removed: ids }
  }

  /** Checked again in the transaction that removes it here: a file added meanwhile keeps its chunk, and sends it again. */
  private async removeHere(id: string, since: number): Promise<void> {
    await this.db.transaction("rw", [this.db.attachments, this.db.blobOrphans, this.db.blobs, this.db.blobUploads], async () => {
      if (await this.stillOrphan(id, since)) {
        await this.db.blobs.delete(id)
        await this.db.blobUploads.delete(id)
        await this.db.blobOrphans.delete(id)
        return
      }
      const [blob, named, upload] = await Promise.all([
        this.db.blobs.get(id),
        this.db.attachments.where("chunks").equals(id).first(),
        this.db.blobUploads.get(id)
      ])
      if (blob && named && !upload) {
        await this.db.blobUploads.put({
          id,
          fileId: named.fileId,
          noteId: named.noteId,
          bytes: sizeOfChunk(blob.data),
          createdAt: this.clock()
        })
      }
    })
  }

  /**
   * Named by no note, and not stored again since it was orphaned (a file being added right now
   * writes its chunks before its manifest: the upload row's time says so).
   */
  private async stillOrphan(id: string, since: number): Promise<boolean> {
    if ((await this.db.blobOrphans.get(id))?.since !== since) return false
    if ((await this.db.attachments.where("chunks").equals(id).count()) > 0) return false
    const upload = await this.db.blobUploads.get(id)
    return upload === undefined || upload.createdAt <= since
  }
}
