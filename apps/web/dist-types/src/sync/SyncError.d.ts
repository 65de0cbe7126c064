/**
 * Why syncing stopped, as the status shows it: typed by what the person can do about it.
 * - auth: this device was removed, or its token is no longer valid: pair it again.
 * - quota: the workspace is full on the server.
 * - version: the server and this app disagree on the protocol: update the app.
 * - network: the server cannot be reached (offline); retried with backoff.
 * - server: the server failed; retried with backoff.
 */
import type { SyncErrorData, SyncErrorKind as SyncErrorKindSchema } from "./SyncStatus.js";
export type SyncErrorKind = typeof SyncErrorKindSchema.Type;
/** Plain data (it crosses to every tab); `tag` is the server's error tag, when it sent one. */
export type SyncError = typeof SyncErrorData.Type;
/** Whether trying again later can help without the person doing anything. */
export declare const isRetryable: (error: SyncError) => boolean;
/** Classifies whatever an API call failed with. */
export declare const toSyncError: (failure: unknown) => SyncError;
//# sourceMappingURL=SyncError.d.ts.map