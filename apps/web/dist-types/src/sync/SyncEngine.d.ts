import type { DocStore } from "../data/DocStore.js";
import type { QuireDb } from "../data/QuireDb.js";
import { type BackoffOptions } from "./Backoff.js";
import type { SyncApi } from "./SyncApi.js";
import { type SyncStatus } from "./SyncStatus.js";
export interface SyncOptions {
    /** Most changes, and most bytes, in one push. */
    readonly batchMaxChanges?: number;
    readonly batchMaxBytes?: number;
    readonly pageSize?: number;
    /** Upload a snapshot once more than this many changes lie past the last one. */
    readonly compactAfter?: number;
    readonly waitSeconds?: number;
    readonly backoff?: BackoffOptions;
}
export declare class SyncEngine {
    private readonly db;
    private readonly store;
    private readonly api;
    private readonly key;
    private status;
    private readonly listeners;
    private running;
    private wake;
    private waitAbort;
    private loop;
    private knownSnapshotSeq;
    private readonly backoff;
    private readonly options;
    constructor(db: QuireDb, store: DocStore, api: SyncApi, key: CryptoKey, options?: SyncOptions);
    subscribe(listener: (status: SyncStatus) => void): () => void;
    get current(): SyncStatus;
    private publish;
    private refreshPending;
    /** Something changed (a local edit, the network came back): sync now instead of waiting. */
    kick(): void;
    /** One full round: push everything, pull everything, compact if due. */
    syncOnce(): Promise<void>;
    private pushAll;
    /** Decrypts and decodes a pulled blob; one that cannot be read is kept aside, never dropped. */
    private open;
    private pullAll;
    private compactIfDue;
    /** Waits for the server's head to pass the cursor, a kick, or the long-poll timeout. */
    private waitForWork;
    private sleep;
    /** Starts syncing until `stop()`; stops by itself on an error only the person can fix. */
    start(): void;
    stop(): Promise<void>;
    private run;
}
//# sourceMappingURL=SyncEngine.d.ts.map