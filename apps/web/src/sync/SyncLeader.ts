/**
 * Exactly one sync engine per browser profile: every tab's worker asks for the same Web Lock;
 * the holder syncs until it closes, then the next waiter takes over.
 */
export const syncLockName = (workspaceId: string) => `quire-sync-leader-${workspaceId}`

/**
 * Runs `lead` once this context holds the lock, and keeps the lock until the returned
 * promise of `lead` settles (normally: never, until the worker closes).
 */
export const whenLeader = async (locks: LockManager, workspaceId: string, lead: () => Promise<void>): Promise<void> => {
  await locks.request(syncLockName(workspaceId), { mode: "exclusive" }, lead)
}
