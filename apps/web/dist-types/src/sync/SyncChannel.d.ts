/**
 * What the sync worker and the tabs say to each other over a BroadcastChannel, as a typed
 * union: the leader announces its status; a tab asks for it, or says it wrote something.
 * Anything that does not decode is ignored.
 */
import { Schema } from "effect";
export declare const SyncMessage: Schema.Union<[Schema.TaggedStruct<"Status", {
    status: Schema.Struct<{
        state: Schema.Literal<["idle", "syncing", "offline", "error"]>;
        pending: typeof Schema.Number;
        pendingBytes: typeof Schema.Number;
        lastSyncedAt: Schema.NullOr<typeof Schema.Number>;
        cursor: typeof Schema.Number;
        lastError: Schema.NullOr<Schema.Struct<{
            kind: Schema.Literal<["auth", "quota", "version", "network", "server"]>;
            message: typeof Schema.String;
            tag: Schema.optional<typeof Schema.String>;
        }>>;
        progress: Schema.NullOr<Schema.Struct<{
            done: typeof Schema.Number;
            total: typeof Schema.Number;
        }>>;
    }>;
}>, Schema.TaggedStruct<"StatusRequest", {}>, Schema.TaggedStruct<"LocalChange", {}>, Schema.TaggedStruct<"SyncNow", {}>]>;
export type SyncMessage = typeof SyncMessage.Type;
export declare const syncChannelName: (workspaceId: string) => string;
export interface SyncChannel {
    readonly send: (message: SyncMessage) => void;
    readonly close: () => void;
}
export declare const openSyncChannel: (workspaceId: string, onMessage: (message: SyncMessage) => void) => SyncChannel;
//# sourceMappingURL=SyncChannel.d.ts.map