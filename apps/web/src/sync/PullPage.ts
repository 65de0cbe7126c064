/**
 * One pulled page into the device: decrypts and decodes every change, imports them into the
 * documents and, in the same transaction, moves the cursor, updates `docLog` and keeps aside
 * (in `quarantine`, with its seq and key) every change that cannot be read or imported. A
 * crash re-pulls the page; a change nobody can read never stops the ones after it.
 */
import { decodeEnvelope, openBlobPromise, type ChangeKind, type EnvelopeEntry } from "@quire/shared"
import { Either } from "effect"
import type { DocStore } from "../data/DocStore.js"
import { keyText, type RemoteEntry } from "../data/RemoteImport.js"
import { recordPulled } from "../data/DocLog.js"
import { writeMeta } from "../data/Meta.js"
import type { QuarantineRow } from "../data/QuireDb.js"
import { messageOf } from "../messageOf.js"

export interface PulledChange {
  readonly seq: number
  readonly deviceId: string
  readonly key: Uint8Array
  readonly kind: ChangeKind
  readonly data: Uint8Array
}

type Opened = { readonly entries: ReadonlyArray<EnvelopeEntry> } | { readonly unreadable: string }

// Promises, not an Effect per change: a first pull opens thousands of them.
const open = async (key: CryptoKey, data: Uint8Array): Promise<Opened> => {
  let plain: Uint8Array
  try {
    plain = await openBlobPromise(key, data)
  } catch (error) {
    return { unreadable: messageOf(error) }
  }
  const decoded = decodeEnvelope(plain)
  return Either.isRight(decoded) ? { entries: decoded.right } : { unreadable: decoded.left.message }
}

/** A page of the log as the server answers it (to a pull, or to a long-poll that asked for one). */
export interface PulledPage {
  readonly changes: ReadonlyArray<PulledChange>
  readonly headSeq: number
  readonly hasMore: boolean
}

/** The sealed bytes of some pulled changes: what a page weighs, as the server bounds it. */
export const sealedBytesOf = (changes: ReadonlyArray<PulledChange>) => changes.reduce((sum, change) => sum + change.data.length, 0)

/** A pulled page, decrypted and decoded: what `applyPage` stores. */
export interface OpenedPage {
  readonly changes: ReadonlyArray<PulledChange>
  readonly opened: ReadonlyArray<Opened>
}

/**
 * Decrypts and decodes a page (in `changes`' order). Nothing is stored, so the pull can open
 * the next page while the one before it is still being written.
 */
export const openPage = async (key: CryptoKey, changes: ReadonlyArray<PulledChange>): Promise<OpenedPage> => ({
  changes,
  opened: await Promise.all(changes.map((change) => open(key, change.data)))
})

/** Pages in seq order as one: they are then written in one transaction. */
export const joinPages = (pages: ReadonlyArray<OpenedPage>): OpenedPage =>
  pages.length === 1 ? pages[0]! : { changes: pages.flatMap((p) => p.changes), opened: pages.flatMap((p) => p.opened) }

/** Applies an opened page (in seq order) and moves the cursor to `reached`; answers the documents it brought. */
export const applyPage = async (store: DocStore, { changes, opened }: OpenedPage, reached: number) => {
  const entries: Array<RemoteEntry> = []
  const unreadable: Array<QuarantineRow> = []
  const now = store.clock()
  changes.forEach((change, i) => {
    const result = opened[i]!
    if ("unreadable" in result) {
      unreadable.push({ seq: change.seq, key: keyText(change.key), data: change.data, reason: result.unreadable, at: now })
    } else {
      for (const entry of result.entries) entries.push({ ...entry, seq: change.seq, key: change.key })
    }
  })
  const facts = changes.map((change, i) => {
    const result = opened[i]!
    return {
      key: keyText(change.key),
      docId: "entries" in result ? result.entries[0]?.docId : undefined,
      kind: change.kind,
      size: change.data.length,
      deviceId: change.deviceId
    }
  })
  const keyOfSeq = new Map(changes.map((change) => [change.seq, keyText(change.key)]))
  await store.applyRemote(entries, async (failures) => {
    const refused = failures.map((failure): QuarantineRow => {
      const key = failure.seq === undefined ? undefined : keyOfSeq.get(failure.seq)
      return {
        seq: failure.seq ?? 0,
        ...(key === undefined ? {} : { key }),
        data: changes.find((c) => c.seq === failure.seq)?.data ?? failure.bytes,
        reason: failure.reason,
        at: now
      }
    })
    if (unreadable.length + refused.length > 0) await store.db.quarantine.bulkAdd([...unreadable, ...refused])
    await recordPulled(store.db, facts, now)
    await writeMeta(store.db, "cursor", reached)
  })
  return new Set(entries.map((entry) => entry.docId))
}
