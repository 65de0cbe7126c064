/**
 * What the sync workers say to each other over a BroadcastChannel, as a typed union
 * (SyncMessage): the leader announces its status and what it pulled; a waiting worker passes
 * on its tab's requests (WorkerRelay); a tab leaving the workspace tells every worker to stop
 * for good. Anything that does not decode is ignored.
 *
 * The decoder is loaded on its own (it is Effect Schema): the channel opens at once, and what
 * arrives or is sent before the decoder is there waits for it, in order.
 */
import type { HandedChunk } from "../attachments/StoredChunk.js"
import type { SyncMessage } from "./SyncMessage.js"

export type { SyncMessage } from "./SyncMessage.js"

/** What a tab asks of its own sync worker, which passes it on to the leader if it is not it. */
export type TabRequest = Extract<SyncMessage, { readonly _tag: "StatusRequest" | "LocalChange" | "SyncNow" }> | ChunksStored

/**
 * Chunks of a file being added, with their Blobs (SyncClient.chunksStored): only ever sent to
 * the tab's own worker, since a Blob does not pass the channel's schema. A worker that does not
 * lead passes on a plain `LocalChange`, and the leader reads the chunks from IndexedDB.
 */
export interface ChunksStored {
  readonly _tag: "ChunksStored"
  readonly chunks: ReadonlyArray<HandedChunk>
}

/** What a sync worker tells its own tab. */
export type TabUpdate = Extract<SyncMessage, { readonly _tag: "Status" | "Arrived" }>

type Codec = typeof import("./SyncMessage.js")

let loading: Promise<Codec> | undefined
const loadCodec = () => (loading ??= import("./SyncMessage.js"))

export const syncChannelName = (workspaceId: string) => `quire-sync-${workspaceId}`

export interface SyncChannel {
  readonly send: (message: SyncMessage) => void
  readonly close: () => void
}

export const openSyncChannel = (workspaceId: string, onMessage: (message: SyncMessage) => void): SyncChannel => {
  const channel = new BroadcastChannel(syncChannelName(workspaceId))
  let codec: Codec | undefined
  let closed = false
  const received: Array<unknown> = []
  const outgoing: Array<SyncMessage> = []
  const deliver = (data: unknown) => {
    const message = codec!.decodeSyncMessage(data)
    if (message._tag === "Some" && !closed) onMessage(message.value)
  }
  channel.onmessage = (event: MessageEvent) => (codec ? deliver(event.data) : received.push(event.data))
  void loadCodec().then((loaded) => {
    codec = loaded
    for (const message of outgoing.splice(0)) channel.postMessage(loaded.encodeSyncMessage(message))
    for (const data of received.splice(0)) deliver(data)
    // A channel closed while the decoder loaded still sent what it was given first.
    if (closed) channel.close()
  })
  return {
    send: (message) => {
      if (codec) channel.postMessage(codec.encodeSyncMessage(message))
      else outgoing.push(message)
    },
    close: () => {
      closed = true
      if (codec) channel.close()
    }
  }
}

/**
 * Tells every sync worker of the workspace to stop for good. "Stop" carries nothing, so its
 * encoded form is itself: a tab sends it without loading the schema.
 */
export const broadcastStop = (workspaceId: string): void => {
  const channel = new BroadcastChannel(syncChannelName(workspaceId))
  channel.postMessage({ _tag: "Stop" } satisfies SyncMessage)
  channel.close()
}
