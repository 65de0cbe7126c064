import { Either } from "effect";
import { type SyncError } from "./SyncError.js";
export type Result<A> = Either.Either<A, SyncError>;
export declare const makeSyncApi: (serverUrl: string, token: string, workspaceId: string) => {
    push: (changes: ReadonlyArray<{
        clientSeq: number;
        data: Uint8Array;
    }>) => Promise<Result<{
        readonly headSeq: number;
        readonly results: readonly {
            readonly clientSeq: number;
            readonly seq: number;
        }[];
    }>>;
    pull: (after: number, limit: number) => Promise<Result<{
        readonly headSeq: number;
        readonly changes: readonly {
            readonly deviceId: string;
            readonly data: Uint8Array<ArrayBufferLike>;
            readonly seq: number;
        }[];
        readonly snapshot: {
            readonly data: Uint8Array<ArrayBufferLike>;
            readonly seq: number;
        } | null;
        readonly hasMore: boolean;
    }>>;
    wait: (after: number, timeout: number, signal?: AbortSignal) => Promise<Result<{
        readonly headSeq: number;
    }>>;
    info: () => Promise<Result<{
        readonly bytesUsed: number;
        readonly workspaceId: string;
        readonly headSeq: number;
        readonly snapshotSeq: number;
        readonly createdAt: Date;
    }>>;
    putSnapshot: (seq: number, data: Uint8Array) => Promise<Result<{
        readonly snapshotSeq: number;
    }>>;
};
export type SyncApi = ReturnType<typeof makeSyncApi>;
/** Calls that need no token: creating a workspace and pairing a device. */
export declare const makeAnonymousApi: (serverUrl: string) => {
    createWorkspace: (label: string) => Promise<Result<{
        readonly workspaceId: string;
        readonly deviceId: string;
        readonly masterToken: string;
    }>>;
    pair: (workspaceId: string, code: string, label: string) => Promise<Result<{
        readonly deviceId: string;
        readonly deviceToken: string;
    }>>;
};
//# sourceMappingURL=SyncApi.d.ts.map