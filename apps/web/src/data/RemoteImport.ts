/**
 * Pulled changes on their way into documents: what one carries, and importing them so that
 * a change Loro refuses is set aside by itself while the others still arrive.
 */
import type { EnvelopeEntry } from "@quire/shared"
import { Encoding } from "effect"
import type { LoroDoc } from "loro-crdt"
import { messageOf } from "../messageOf.js"

/** A pulled change's document entry, with the seq of the change that carried it. */
export interface RemoteEntry extends EnvelopeEntry {
  readonly seq?: number
  /** The compaction key the change came with. */
  readonly key?: Uint8Array
}

/** A pulled change Loro refused to import: kept aside by the caller, never dropped. */
export interface ImportFailure {
  readonly seq: number | undefined
  readonly docId: string
  readonly bytes: Uint8Array
  readonly reason: string
}

/**
 * Imports a document's pulled entries in one batch; if Loro refuses the batch, one by one, so
 * only the entries it cannot read are set aside and the rest still arrive.
 */
export const importAll = (doc: LoroDoc, docId: string, received: ReadonlyArray<RemoteEntry>): Array<ImportFailure> => {
  try {
    // One entry is the common case (a first pull has one per note), and `import` does it in about half the time of `importBatch`.
    if (received.length === 1) doc.import(received[0]!.bytes)
    else doc.importBatch(received.map((r) => r.bytes))
    return []
  } catch {
    const failures: Array<ImportFailure> = []
    for (const { seq, bytes } of received) {
      try {
        doc.import(bytes)
      } catch (error) {
        failures.push({ seq, docId, bytes, reason: `Loro could not import it: ${messageOf(error)}` })
      }
    }
    return failures
  }
}

/** A compaction key as stored on the device (base64url), the way the server names it too. */
export const keyText = (key: Uint8Array) => Encoding.encodeBase64Url(key)
