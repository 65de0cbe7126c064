/** What every tab shows about sync. Honest: never "idle" while anything is pending or failing. */
import { Schema } from "effect";
export declare const SyncErrorKind: Schema.Literal<["auth", "quota", "version", "network", "server"]>;
export declare const SyncErrorData: Schema.Struct<{
    kind: Schema.Literal<["auth", "quota", "version", "network", "server"]>;
    message: typeof Schema.String;
    tag: Schema.optional<typeof Schema.String>;
}>;
export declare const SyncState: Schema.Literal<["idle", "syncing", "offline", "error"]>;
export type SyncState = typeof SyncState.Type;
export declare const SyncStatus: Schema.Struct<{
    state: Schema.Literal<["idle", "syncing", "offline", "error"]>;
    /** Changes on this device the server has not acknowledged yet, and their bytes. */
    pending: typeof Schema.Number;
    pendingBytes: typeof Schema.Number;
    /** When the device last finished a full push and pull. */
    lastSyncedAt: Schema.NullOr<typeof Schema.Number>;
    /** The last server seq this device imported. */
    cursor: typeof Schema.Number;
    lastError: Schema.NullOr<Schema.Struct<{
        kind: Schema.Literal<["auth", "quota", "version", "network", "server"]>;
        message: typeof Schema.String;
        tag: Schema.optional<typeof Schema.String>;
    }>>;
    /** Set while pulling: seqs done of the total to reach the server's head. */
    progress: Schema.NullOr<Schema.Struct<{
        done: typeof Schema.Number;
        total: typeof Schema.Number;
    }>>;
}>;
export type SyncStatus = typeof SyncStatus.Type;
export declare const initialStatus: SyncStatus;
//# sourceMappingURL=SyncStatus.d.ts.map