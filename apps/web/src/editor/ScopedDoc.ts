/**
 * A note's document as seen by a binding of one of its containers: `subscribe` passes on only
 * that container's events; everything else is the document itself.
 *
 * loro-codemirror 0.3.3 stops reading an event batch at the first event of another container
 * (it returns where it means to skip). Every edit of a note also sets `updatedAt` in the root
 * map, whose event comes first in the batch, so without this view a remote body edit that
 * arrives with one is dropped and the editor drifts from the text it is bound to.
 */
import type { ContainerID, LoroDoc, LoroEventBatch } from "loro-crdt"

type Listener = (batch: LoroEventBatch) => void

export const scopedTo = (doc: LoroDoc, target: ContainerID, beforeCommit: () => void = () => {}): LoroDoc =>
  new Proxy(doc, {
    get(real, property) {
      if (property === "commit") {
        return (...args: Parameters<LoroDoc["commit"]>) => {
          beforeCommit()
          real.commit(...args)
        }
      }
      if (property === "subscribe") {
        return (listener: Listener) =>
          real.subscribe((batch) => {
            const events = batch.events.filter((event) => event.target === target)
            if (events.length > 0) listener({ ...batch, events })
          })
      }
      const value: unknown = Reflect.get(real, property, real)
      // Loro's methods read their receiver's WASM pointer: they must run on the real document.
      return typeof value === "function" ? (value as (...args: Array<unknown>) => unknown).bind(real) : value
    }
  })
