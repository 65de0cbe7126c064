/**
 * Coalesced pushes (DESIGN.md, Client): while a document's newest outbox entry has not been
 * sent, a further edit of that document folds into it, as one Loro update from the entry's
 * start version, so typing costs the server one change per push instead of one per key.
 *
 * An entry is frozen when a push that carries it starts (OutboxPusher marks it in the
 * transaction that reads the batch): from then on its bytes never change, so a retried push
 * resends exactly what the server may already hold. Sealing is asynchronous and cannot run
 * inside an IndexedDB transaction, so the blob is sealed first, for the entry as it was read;
 * the transaction writes it only if the entry is still open and nobody folded into it since,
 * and otherwise the edit is prepared again (`FoldRaced`).
 */
import { encodeEnvelope, sealBlob } from "@quire/shared"
import { Effect } from "effect"
import { VersionVector, type LoroDoc } from "loro-crdt"
import type { OutboxEntry, QuireDb } from "./QuireDb.js"

/**
 * Folding re-exports and re-seals everything since the entry's start, so an entry stops
 * taking edits once it is this large: typing offline for an hour costs a bounded amount per
 * keystroke, not one that grows with the hour.
 */
const foldLimits = { folds: 200, bytes: 64 * 1024 }

/** The document's entry that edits may still fold into, if it has one. */
export const openEntryOf = async (db: QuireDb, docId: string): Promise<OutboxEntry | undefined> => {
  // Index order within one docId is clientSeq order: the last is the newest.
  const newest = await db.outbox.where("docId").equals(docId).last()
  const open = newest !== undefined && newest.frozen !== 1 && newest.from !== undefined
  return open && (newest.folds ?? 0) < foldLimits.folds && newest.blob.length < foldLimits.bytes ? newest : undefined
}

/** What a local edit writes to the outbox: a new entry, or the open entry with the edit folded in. */
export type PreparedWrite =
  | { readonly kind: "new"; readonly docId: string; readonly key: Uint8Array; readonly blob: Uint8Array; readonly from: Uint8Array }
  | { readonly kind: "fold"; readonly clientSeq: number; readonly folds: number; readonly blob: Uint8Array }

/**
 * An edit after a pause in typing goes out at once (the worker pushes the first change after a
 * pause without waiting), so nothing would fold into its entry: it is written frozen and handed
 * to the sync worker with its bytes, which pushes them without reading the outbox first. The
 * sync engine's push interval is the same length.
 */
export const handOffPauseMs = 500

/** A new entry written frozen, as handed to the sync worker (see `handOffPauseMs`). */
export interface HandedEntry {
  readonly clientSeq: number
  readonly docId: string
  readonly key: Uint8Array
  readonly blob: Uint8Array
}

/** The entry changed between sealing and writing (a push took it, another tab folded into it). */
export class FoldRaced extends Error {
  override readonly name = "FoldRaced"
}

/**
 * Seals what the edit will write: folded into `open` when given, else alone from `before`
 * (the document's version before the edit).
 */
export const prepareWrite = async (
  workspaceKey: CryptoKey,
  docId: string,
  key: Uint8Array,
  doc: LoroDoc,
  before: VersionVector,
  open: OutboxEntry | undefined
): Promise<PreparedWrite> => {
  const seal = (bytes: Uint8Array) => Effect.runPromise(sealBlob(workspaceKey, encodeEnvelope([{ docId, bytes }])))
  if (open) {
    const blob = await seal(doc.export({ mode: "update", from: VersionVector.decode(open.from!) }))
    return { kind: "fold", clientSeq: open.clientSeq!, folds: open.folds ?? 0, blob }
  }
  return { kind: "new", docId, key, blob: await seal(doc.export({ mode: "update", from: before })), from: before.encode() }
}

/**
 * Inside the edit's transaction: writes the prepared entry, or throws `FoldRaced` if the open
 * entry moved on. `needs` are attachment chunks the edit refers to; a folded entry needs what
 * both did. A new entry is written `frozen` when it is handed to the sync worker; its
 * clientSeq is answered.
 */
export const writePrepared = async (
  db: QuireDb,
  prepared: PreparedWrite,
  now: number,
  needs: ReadonlyArray<string> = [],
  frozen = false
): Promise<number | undefined> => {
  if (prepared.kind === "new") {
    const { docId, key, blob, from } = prepared
    return (await db.outbox.add({
      docId,
      key,
      blob,
      from,
      createdAt: now,
      ...(needs.length > 0 ? { needs: [...needs] } : {}),
      ...(frozen ? { frozen: 1 as const } : {})
    })) as number
  }
  const current = await db.outbox.get(prepared.clientSeq)
  if (!current || current.frozen === 1 || (current.folds ?? 0) !== prepared.folds) throw new FoldRaced()
  const joined = [...new Set([...(current.needs ?? []), ...needs])]
  await db.outbox.put({
    ...current,
    blob: prepared.blob,
    folds: prepared.folds + 1,
    createdAt: now,
    ...(joined.length > 0 ? { needs: joined } : {})
  })
  return undefined
}
