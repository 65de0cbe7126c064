/**
 * Exactly one sync engine per browser profile: every tab's worker asks for the same Web Lock;
 * the holder syncs until it closes, then the next waiter takes over.
 */
export declare const syncLockName: (workspaceId: string) => string;
/**
 * Runs `lead` once this context holds the lock, and keeps the lock until the returned
 * promise of `lead` settles (normally: never, until the worker closes).
 */
export declare const whenLeader: (locks: LockManager, workspaceId: string, lead: () => Promise<void>) => Promise<void>;
//# sourceMappingURL=SyncLeader.d.ts.map