/**
 * What the sync worker and the tabs say to each other over a BroadcastChannel, as a typed
 * union: the leader announces its status; a tab asks for it, says it wrote something, or
 * (leaving the workspace) tells every worker to stop for good.
 * Anything that does not decode is ignored.
 */
import { Schema } from "effect"
import { SyncStatus } from "./SyncStatus.js"

export const SyncMessage = Schema.Union(
  Schema.TaggedStruct("Status", { status: SyncStatus }),
  Schema.TaggedStruct("StatusRequest", {}),
  Schema.TaggedStruct("LocalChange", {}),
  Schema.TaggedStruct("SyncNow", {}),
  Schema.TaggedStruct("Stop", {})
)
export type SyncMessage = typeof SyncMessage.Type

const decode = Schema.decodeUnknownOption(SyncMessage)
const encode = Schema.encodeSync(SyncMessage)

export const syncChannelName = (workspaceId: string) => `quire-sync-${workspaceId}`

export interface SyncChannel {
  readonly send: (message: SyncMessage) => void
  readonly close: () => void
}

export const openSyncChannel = (workspaceId: string, onMessage: (message: SyncMessage) => void): SyncChannel => {
  const channel = new BroadcastChannel(syncChannelName(workspaceId))
  channel.onmessage = (event: MessageEvent) => {
    const message = decode(event.data)
    if (message._tag === "Some") onMessage(message.value)
  }
  return {
    send: (message) => channel.postMessage(encode(message)),
    close: () => channel.close()
  }
}
