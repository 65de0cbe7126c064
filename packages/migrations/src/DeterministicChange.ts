/**
 * How a migration writes content exactly once across devices.
 *
 * If two offline devices each inserted a migrated title into the same text, the merge would
 * hold it twice. Instead, a step builds its inserts in a fresh document under a peer id
 * derived from (document, step, the input it read) and imports that change. Two devices
 * migrating the same input build the same change with the same id, so when they meet Loro
 * sees one change, not two. Devices that read different inputs get different ids: both
 * results survive (duplicated, never lost).
 *
 * The change has no dependencies and lamport 0, so it must only create content in
 * containers no earlier operation decided on (new mergeable children); map values the step
 * changes (deleting a legacy key, `schemaVersion`) are set with ordinary local operations.
 */
import { sha256 } from "@noble/hashes/sha2.js"
import { LoroDoc } from "loro-crdt"

const encoder = new TextEncoder()

/** A 63-bit peer id from the document id, the step and the exact input it read. */
export const deterministicPeer = (docId: string, step: string, input: string): bigint => {
  const digest = sha256(encoder.encode(JSON.stringify([docId, step, input])))
  let peer = 0n
  for (let i = 0; i < 8; i++) peer = (peer << 8n) | BigInt(digest[i]!)
  return peer & 0x7fff_ffff_ffff_ffffn
}

/** Builds the change in a fresh document under `peer` and imports it into `doc`. */
export const importDeterministicChange = (doc: LoroDoc, peer: bigint, build: (fresh: LoroDoc) => void): void => {
  const fresh = new LoroDoc()
  fresh.setPeerId(peer)
  build(fresh)
  fresh.commit()
  doc.import(fresh.export({ mode: "update" }))
}
