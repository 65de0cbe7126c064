/**
 * Coalesced pushes (DESIGN.md, Client): while a document's newest outbox entry has not been
 * sent, a further edit of that document folds into it, as one Loro update from the entry's
 * start version, so typing costs the server one change per push instead of one per key.
 *
 * An entry is frozen when a push that carries it starts (OutboxPusher marks it in the
 * transaction that reads the batch): from then on its bytes never change, so a retried push
 * resends exactly what the server may already hold. Sealing is asynchronous and cannot run
 * inside an IndexedDB transaction, so both candidate blobs are sealed first, and the
 * transaction picks: fold only if the entry is still open and nobody folded into it since.
 */
import { encodeEnvelope, sealBlob } from "@quire/shared"
import { Effect } from "effect"
import { VersionVector, type LoroDoc } from "loro-crdt"
import type { OutboxEntry, QuireDb } from "./QuireDb.js"

/** The document's entry that edits may still fold into, if it has one. */
const openEntryOf = async (db: QuireDb, docId: string): Promise<OutboxEntry | undefined> => {
  const entries = await db.outbox.where("docId").equals(docId).sortBy("clientSeq")
  const newest = entries.at(-1)
  return newest && newest.frozen !== 1 && newest.from ? newest : undefined
}

export interface PreparedWrite {
  readonly docId: string
  readonly key: Uint8Array
  /** The edit alone, as a new entry starting at `from`. */
  readonly alone: { readonly blob: Uint8Array; readonly from: Uint8Array }
  /** The open entry with the edit folded in, if there was one when this was prepared. */
  readonly folded?: { readonly clientSeq: number; readonly folds: number; readonly blob: Uint8Array }
}

/** Seals the blobs a local edit may need; `before` is the document's version before the edit. */
export const prepareWrite = async (
  db: QuireDb,
  workspaceKey: CryptoKey,
  docId: string,
  key: Uint8Array,
  doc: LoroDoc,
  before: VersionVector
): Promise<PreparedWrite> => {
  const seal = (bytes: Uint8Array) => Effect.runPromise(sealBlob(workspaceKey, encodeEnvelope([{ docId, bytes }])))
  const alone = { blob: await seal(doc.export({ mode: "update", from: before })), from: before.encode() }
  const open = await openEntryOf(db, docId)
  if (!open) return { docId, key, alone }
  const blob = await seal(doc.export({ mode: "update", from: VersionVector.decode(open.from!) }))
  return { docId, key, alone, folded: { clientSeq: open.clientSeq!, folds: open.folds ?? 0, blob } }
}

/** Inside the edit's transaction: folds into the open entry if it is still as prepared, else adds the edit alone. */
export const writePrepared = async (db: QuireDb, prepared: PreparedWrite, now: number): Promise<void> => {
  const { folded } = prepared
  if (folded) {
    const current = await db.outbox.get(folded.clientSeq)
    if (current && current.frozen !== 1 && (current.folds ?? 0) === folded.folds) {
      await db.outbox.put({ ...current, blob: folded.blob, folds: folded.folds + 1, createdAt: now })
      return
    }
  }
  await db.outbox.add({ docId: prepared.docId, key: prepared.key, blob: prepared.alone.blob, from: prepared.alone.from, createdAt: now })
}
