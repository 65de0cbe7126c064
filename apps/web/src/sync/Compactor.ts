/**
 * Posts per-document compactions: a sealed snapshot of one document with `covers` = the
 * device's cursor. The server then deletes that document's changes up to `covers`, so a
 * document is compacted only when its snapshot provably holds every one of them: nothing of
 * it is in quarantine, no update waits on a missing dependency, and no newer app wrote it. Nor
 * while the document has an edit waiting for its attachment chunks to upload.
 */
import { encodeEnvelope, sealBlob } from "@quire/shared"
import { Effect, Either } from "effect"
import type { DocStore } from "../data/DocStore.js"
import { readMeta } from "../data/Meta.js"
import type { DocLogRow } from "../data/QuireDb.js"
import { compactionDue, quietIn, type CompactionOptions } from "./CompactionPolicy.js"
import type { SyncApi } from "./SyncApi.js"
import type { SyncError } from "./SyncError.js"

export interface CompactionRound {
  readonly compacted: number
  /** A failure the round should report (network, auth); the others only skip a document. */
  readonly failure?: SyncError
  /** When the next document becomes due by the quiet rule, if any will. */
  readonly nextDueInMs?: number
}

/** Why `row`'s document must not be compacted on this device, if it must not. */
const refusal = async (store: DocStore, row: DocLogRow): Promise<string | undefined> => {
  if (row.docId === undefined) return "none of its changes could be read here"
  if ((await store.db.quarantine.where("key").equals(row.key).count()) > 0) return "a change of it is in quarantine"
  return undefined
}

/**
 * Posts one document's snapshot now, covering everything up to the cursor; `undefined` when the
 * document must not be compacted here (an update of it waits on a missing one, a newer app wrote it).
 */
export const compactDocument = async (store: DocStore, api: SyncApi, workspaceKey: CryptoKey, docId: string) => {
  // The snapshot holds this device's unpushed edits too: one naming attachment chunks still
  // uploading must wait, or another device would read a manifest before its chunks exist.
  const waitsOnChunks = await store.db.outbox
    .where("docId")
    .equals(docId)
    .filter((entry) => (entry.needs ?? []).length > 0)
    .count()
  if (waitsOnChunks > 0) return undefined
  const taken = await store.compactionSnapshot(docId)
  if ("refused" in taken) return undefined
  const covers = (await readMeta(store.db, "cursor")) ?? 0
  const data = await Effect.runPromise(sealBlob(workspaceKey, encodeEnvelope([{ docId, bytes: taken.snapshot }])))
  return api.compact({ key: await store.keyOf(docId), covers, clientSeq: await freshClientSeq(store), data })
}

/** A clientSeq of this device's own counter, never used before and never to be used again. */
const freshClientSeq = (store: DocStore): Promise<number> =>
  store.db.transaction("rw", store.db.outbox, async () => {
    const clientSeq = (await store.db.outbox.add({ docId: "", key: new Uint8Array(), blob: new Uint8Array(), createdAt: 0 })) as number
    await store.db.outbox.delete(clientSeq)
    return clientSeq
  })

/**
 * Compacts every document that is due. `refusedAt` remembers, per key, the tail at which the
 * server refused a compaction (conflict, quota, too large): that document waits until its tail
 * has grown by another `minTail` before it is tried again, instead of re-uploading every round.
 */
export const compactDue = async (
  store: DocStore,
  api: SyncApi,
  workspaceKey: CryptoKey,
  deviceId: string,
  options: CompactionOptions,
  refusedAt: Map<string, number>
): Promise<CompactionRound> => {
  const now = store.clock()
  // Only documents with two or more changes past their snapshot can be due: an index read, not a scan.
  const rows = await store.db.docLog.where("tailCount").aboveOrEqual(2).toArray()
  const due = rows.filter(
    (row) => compactionDue(row, deviceId, now, options) && !(row.tailCount < (refusedAt.get(row.key) ?? -Infinity) + options.minTail)
  )
  let compacted = 0
  for (const row of due) {
    if (await refusal(store, row)) continue
    const result = await compactDocument(store, api, workspaceKey, row.docId!)
    if (result === undefined) continue
    if (Either.isLeft(result)) {
      // Compaction only saves space and time: a refused one (conflict, quota, too large) skips
      // this document until its log grows again; an unreachable server ends the round.
      if (result.left.kind === "network" || result.left.kind === "auth") return { compacted, failure: result.left }
      refusedAt.set(row.key, row.tailCount)
      continue
    }
    refusedAt.delete(row.key)
    compacted += 1
  }
  const waits = rows.flatMap((row) => {
    if (due.includes(row)) return []
    const wait = quietIn(row, deviceId, now, options)
    return wait === undefined ? [] : [wait]
  })
  return { compacted, ...(waits.length > 0 ? { nextDueInMs: Math.min(...waits) } : {}) }
}
