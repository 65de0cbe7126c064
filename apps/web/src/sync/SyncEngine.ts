/**
 * Keeps one device's workspace in sync: pushes the outbox in batches, pulls after its cursor,
 * long-polls for the next change, compacts, and reports its status. Platform-free: the worker
 * entry (or a test) provides the database, the API port and the key, and calls `kick()` when
 * there is something new to push or the network came back.
 */
import { decodeEnvelope, Limits, openBlob, encodeEnvelope, sealBlob, type EnvelopeEntry } from "@quire/shared"
import { Effect, Either } from "effect"
import type { DocStore } from "../data/DocStore.js"
import { readMeta, writeMeta } from "../data/Meta.js"
import type { QuireDb } from "../data/QuireDb.js"
import { makeBackoff, type BackoffOptions } from "./Backoff.js"
import type { SyncApi } from "./SyncApi.js"
import { isRetryable, type SyncError } from "./SyncError.js"
import { initialStatus, type SyncStatus } from "./SyncStatus.js"

export interface SyncOptions {
  /** Most changes, and most bytes, in one push. */
  readonly batchMaxChanges?: number
  readonly batchMaxBytes?: number
  readonly pageSize?: number
  /** Upload a snapshot once more than this many changes lie past the last one. */
  readonly compactAfter?: number
  readonly waitSeconds?: number
  readonly backoff?: BackoffOptions
}

/** Thrown inside a round to end it with a typed error. */
class RoundFailed extends Error {
  constructor(readonly error: SyncError) {
    super(error.message)
  }
}

const unwrap = <A>(result: Either.Either<A, SyncError>): A => {
  if (Either.isLeft(result)) throw new RoundFailed(result.left)
  return result.right
}

export class SyncEngine {
  private status: SyncStatus = initialStatus
  private readonly listeners = new Set<(status: SyncStatus) => void>()
  private running = false
  private wake: (() => void) | undefined
  private waitAbort: AbortController | undefined
  private loop: Promise<void> | undefined
  private knownSnapshotSeq = 0
  private readonly backoff
  private readonly options: Required<Omit<SyncOptions, "backoff">>

  constructor(
    private readonly db: QuireDb,
    private readonly store: DocStore,
    private readonly api: SyncApi,
    private readonly key: CryptoKey,
    options: SyncOptions = {}
  ) {
    this.backoff = makeBackoff(options.backoff)
    this.options = {
      batchMaxChanges: options.batchMaxChanges ?? 500,
      batchMaxBytes: options.batchMaxBytes ?? 1024 * 1024,
      pageSize: options.pageSize ?? Limits.defaultPageSize,
      compactAfter: options.compactAfter ?? 1000,
      waitSeconds: options.waitSeconds ?? Limits.defaultWaitSeconds
    }
  }

  subscribe(listener: (status: SyncStatus) => void): () => void {
    this.listeners.add(listener)
    listener(this.status)
    return () => this.listeners.delete(listener)
  }

  get current(): SyncStatus {
    return this.status
  }

  private publish(patch: Partial<SyncStatus>) {
    const next = { ...this.status, ...patch }
    // Never "idle" while something waits to be pushed.
    this.status = next.state === "idle" && next.pending > 0 ? { ...next, state: "syncing" } : next
    for (const listener of this.listeners) listener(this.status)
  }

  private async refreshPending() {
    let pendingBytes = 0
    let pending = 0
    await this.db.outbox.each((entry) => {
      pending += 1
      pendingBytes += entry.blob.length
    })
    this.publish({ pending, pendingBytes })
  }

  /** Something changed (a local edit, the network came back): sync now instead of waiting. */
  kick(): void {
    this.waitAbort?.abort()
    this.wake?.()
    void this.refreshPending()
  }

  /** One full round: push everything, pull everything, compact if due. */
  async syncOnce(): Promise<void> {
    await this.store.migrateAll()
    this.publish({ state: "syncing" })
    await this.pushAll()
    await this.pullAll()
    await this.compactIfDue()
    await this.refreshPending()
    this.publish({ state: "idle", lastSyncedAt: Date.now(), lastError: null, progress: null })
  }

  private async pushAll(): Promise<void> {
    for (;;) {
      const batch = []
      let bytes = 0
      for (const entry of await this.db.outbox.orderBy("clientSeq").limit(this.options.batchMaxChanges).toArray()) {
        if (batch.length > 0 && bytes + entry.blob.length > this.options.batchMaxBytes) break
        batch.push({ clientSeq: entry.clientSeq!, data: entry.blob })
        bytes += entry.blob.length
      }
      if (batch.length === 0) return
      const acked = unwrap(await this.api.push(batch))
      // Only what the server acknowledged leaves the outbox.
      await this.db.outbox.bulkDelete(acked.results.map((r) => r.clientSeq))
      await this.refreshPending()
    }
  }

  /** Decrypts and decodes a pulled blob; one that cannot be read is kept aside, never dropped. */
  private async open(seq: number, data: Uint8Array): Promise<ReadonlyArray<EnvelopeEntry>> {
    const opened = await Effect.runPromise(
      Effect.either(Effect.flatMap(openBlob(this.key, data), (plain) => decodeEnvelope(plain)))
    )
    if (Either.isRight(opened)) return opened.right
    await this.db.quarantine.add({ seq, data, reason: opened.left.message, at: Date.now() })
    return []
  }

  private async pullAll(): Promise<void> {
    const start = (await readMeta(this.db, "cursor")) ?? 0
    let cursor = start
    for (;;) {
      const page = unwrap(await this.api.pull(cursor, this.options.pageSize))
      const blobs = [...(page.snapshot ? [page.snapshot] : []), ...page.changes]
      const entries = (await Promise.all(blobs.map((blob) => this.open(blob.seq, blob.data)))).flat()
      const reached = page.changes.at(-1)?.seq ?? page.snapshot?.seq ?? cursor
      // The documents and the cursor move together: a crash re-pulls the page, never skips it.
      await this.store.applyRemote(entries, () => writeMeta(this.db, "cursor", reached))
      cursor = reached
      this.publish({
        cursor,
        progress: page.hasMore ? { done: cursor - start, total: page.headSeq - start } : null
      })
      if (!page.hasMore) return
    }
  }

  private async compactIfDue(): Promise<void> {
    const cursor = (await readMeta(this.db, "cursor")) ?? 0
    // Ask the server only once enough changes could have piled up since the snapshot last seen.
    if (cursor - this.knownSnapshotSeq <= this.options.compactAfter) return
    const info = unwrap(await this.api.info())
    this.knownSnapshotSeq = info.snapshotSeq
    if (cursor - info.snapshotSeq <= this.options.compactAfter) return
    const snapshots = await this.store.allSnapshots()
    if (snapshots.length === 0) return
    const blob = await Effect.runPromise(sealBlob(this.key, encodeEnvelope(snapshots)))
    const result = await this.api.putSnapshot(cursor, blob)
    // Compaction only saves new devices time: if it fails (another device compacted first, the
    // snapshot is too large, the network dropped), syncing goes on and it is tried again after
    // another `compactAfter` changes.
    this.knownSnapshotSeq = Either.isRight(result) ? result.right.snapshotSeq : cursor
  }

  /** Waits for the server's head to pass the cursor, a kick, or the long-poll timeout. */
  private async waitForWork(): Promise<void> {
    if ((await this.db.outbox.count()) > 0) return
    const cursor = (await readMeta(this.db, "cursor")) ?? 0
    this.waitAbort = new AbortController()
    try {
      const result = await this.api.wait(cursor, this.options.waitSeconds, this.waitAbort.signal)
      if (Either.isLeft(result) && !this.waitAbort.signal.aborted) throw new RoundFailed(result.left)
    } finally {
      this.waitAbort = undefined
    }
  }

  private sleep(ms: number): Promise<void> {
    return new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, ms)
      this.wake = () => {
        clearTimeout(timer)
        resolve()
      }
    }).finally(() => {
      this.wake = undefined
    })
  }

  /** Starts syncing until `stop()`; stops by itself on an error only the person can fix. */
  start(): void {
    if (this.running) return
    this.running = true
    this.loop = this.run()
  }

  async stop(): Promise<void> {
    this.running = false
    this.kick()
    await this.loop
  }

  private async run(): Promise<void> {
    await this.refreshPending()
    while (this.running) {
      try {
        await this.syncOnce()
        this.backoff.reset()
        await this.waitForWork()
      } catch (error) {
        if (!(error instanceof RoundFailed)) throw error
        const failure = error.error
        await this.refreshPending()
        this.publish({ state: failure.kind === "network" ? "offline" : "error", lastError: failure, progress: null })
        if (!isRetryable(failure)) {
          this.running = false
          return
        }
        if (this.running) await this.sleep(this.backoff.next())
      }
    }
  }
}
