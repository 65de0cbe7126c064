/**
 * Keeps one device's workspace in sync: pushes the outbox in batches, pulls after its cursor,
 * long-polls for the next change, compacts, and reports its status. Platform-free: the worker
 * entry (or a test) provides the database, the API port and the key, and calls `kick()` when
 * there is something new to push or the network came back.
 */
import { workspaceDocId } from "@quire/schema"
import { Limits, type EnvelopeEntry } from "@quire/shared"
import { Either } from "effect"
import type { HandedChunk } from "../attachments/StoredChunk.js"
import type { DocStore } from "../data/DocStore.js"
import type { HandedEntry } from "../data/OutboxFold.js"
import { readMeta } from "../data/Meta.js"
import type { QuireDb } from "../data/QuireDb.js"
import { makeBackoff, type BackoffOptions } from "./Backoff.js"
import { BlobCollector, type Collection } from "./BlobCollector.js"
import { BlobFetcher } from "./BlobFetcher.js"
import { BlobUploader } from "./BlobUploader.js"
import { defaultCompaction, type CompactionOptions } from "./CompactionPolicy.js"
import { compactDocument, compactDue } from "./Compactor.js"
import { OutboxPusher } from "./OutboxPusher.js"
import { applyPage, joinPages, openPage, sealedBytesOf, type OpenedPage, type PulledPage } from "./PullPage.js"
import { readAhead } from "./ReadAhead.js"
import type { SyncApi } from "./SyncApi.js"
import { deviceFailure, isRetryable, type SyncError } from "./SyncError.js"
import { initialStatus, type SyncStatus } from "./SyncStatus.js"

export interface SyncOptions {
  /** Most changes, and most bytes, in one push. */
  readonly batchMaxChanges?: number
  readonly batchMaxBytes?: number
  readonly pageSize?: number
  /** Byte bound of a pulled page (the server's default when unset). */
  readonly pageBytes?: number
  /** When documents are compacted: see CompactionPolicy. */
  readonly compaction?: Partial<CompactionOptions>
  readonly waitSeconds?: number
  /** Least time between two pushes while edits keep coming (the first after a pause goes at once). */
  readonly pushIntervalMs?: number
  readonly backoff?: BackoffOptions
}

/**
 * The most bytes of opened changes handed to `onArrived` listeners at once: what other devices
 * write as it happens, never a first pull's pages (no tab shows those notes yet).
 */
const arrivalMaxBytes = 256 * 1024

/** Pages' worth of bytes a pull fetches ahead of its writes. */
const pagesAhead = 4

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
  private readonly arrivalListeners = new Set<(entries: ReadonlyArray<EnvelopeEntry>) => void>()
  private running = false
  private wake: (() => void) | undefined
  /** Ends the wait for the open long-poll (a kick), without ending the long-poll itself. */
  private stopWaiting: (() => void) | undefined
  /**
   * The long-poll still open after a kick ended the wait for it. The next wait from the same
   * cursor takes it up again; one from another cursor (a push moved it) leaves it to be answered
   * and ignored. It is not aborted: an aborted request closes its connection, and the push the
   * kick asked for would then wait for a new one (4–20 ms in Chromium on loopback).
   */
  private openWait: { readonly after: number; readonly answer: ReturnType<SyncApi["wait"]> } | undefined
  /** Every long-poll not answered yet, aborted when the engine stops. */
  private readonly waits = new Set<AbortController>()
  private loop: Promise<void> | undefined
  private readonly backoff
  private readonly options: Required<Omit<SyncOptions, "backoff" | "compaction">>
  private readonly compaction: CompactionOptions
  private readonly refusedCompactions = new Map<string, number>()
  private readonly pusher: OutboxPusher
  private readonly uploader: BlobUploader
  private readonly fetcher: BlobFetcher
  private readonly collector: BlobCollector
  private lastPushAt = 0
  /** An entry handed over with a kick, for the next round's push (see `kick`). */
  private handed: HandedEntry | undefined
  /** Set by `kick`, cleared when a round starts: something happened that the next wait must not sit out. */
  private kicked = false
  /** When the next document becomes due for compaction by the quiet rule. */
  private compactionDueAt: number | undefined

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
      pageBytes: options.pageBytes ?? Limits.defaultPageBytes,
      waitSeconds: options.waitSeconds ?? Limits.defaultWaitSeconds,
      pushIntervalMs: options.pushIntervalMs ?? 500
    }
    this.compaction = { ...defaultCompaction, ...options.compaction }
    this.pusher = new OutboxPusher(db, api, this.options, () => store.clock())
    this.uploader = new BlobUploader(db, api, () => store.clock())
    this.fetcher = new BlobFetcher(db, api, key, () => store.clock())
    this.collector = new BlobCollector(
      db,
      store,
      api,
      () => store.clock(),
      () => this.pullAll()
    )
  }

  subscribe(listener: (status: SyncStatus) => void): () => void {
    this.listeners.add(listener)
    listener(this.status)
    return () => this.listeners.delete(listener)
  }

  /**
   * Runs `listener` with the changes of each small pulled page as soon as they are opened,
   * before they are stored: an edit from another device can be shown without waiting for
   * this device's write. What the listener is given is stored right after, or pulled again.
   */
  onArrived(listener: (entries: ReadonlyArray<EnvelopeEntry>) => void): () => void {
    this.arrivalListeners.add(listener)
    return () => this.arrivalListeners.delete(listener)
  }

  private announce({ changes, opened }: OpenedPage) {
    // Sealed, a change is a little larger than what it carries: a page past the bound is not looked into.
    if (this.arrivalListeners.size === 0 || sealedBytesOf(changes) > arrivalMaxBytes * 2) return
    const entries = opened.flatMap((result) => ("entries" in result ? result.entries : []))
    const bytes = entries.reduce((sum, entry) => sum + entry.bytes.length, 0)
    if (entries.length === 0 || bytes > arrivalMaxBytes) return
    for (const listener of this.arrivalListeners) listener(entries)
  }

  get current(): SyncStatus {
    return this.status
  }

  private publish(patch: Partial<SyncStatus>) {
    const next = { ...this.status, ...patch }
    // Never "idle" while something waits to be pushed.
    const status: SyncStatus = next.state === "idle" && next.pending + next.pendingChunks > 0 ? { ...next, state: "syncing" } : next
    // Every tab renders what it is sent: a status that did not change is not sent again.
    if (JSON.stringify(status) === JSON.stringify(this.status)) return
    this.status = status
    for (const listener of this.listeners) listener(this.status)
  }

  private async refreshPending() {
    let pendingBytes = 0
    let pending = 0
    await this.db.outbox.each((entry) => {
      if (this.pusher.heldBack.has(entry.clientSeq!)) return
      pending += 1
      pendingBytes += entry.blob.length
    })
    let pendingChunks = 0
    let pendingChunkBytes = 0
    await this.db.blobUploads.each((row) => {
      pendingChunks += 1
      pendingChunkBytes += row.bytes
    })
    this.publish({ pending, pendingBytes, pendingChunks, pendingChunkBytes, tooLarge: [...this.pusher.heldBack.values()] })
  }

  /**
   * Something changed (a local edit, the network came back): sync now instead of waiting.
   * `handed`, an edit after a pause written frozen (OutboxFold), is pushed as it is, without
   * reading the outbox first.
   */
  kick(handed?: HandedEntry): void {
    if (handed) this.handed = handed
    this.kicked = true
    this.stopWaiting?.()
    this.wake?.()
    // A running engine counts in the round the kick starts (or before waiting to push): counting
    // here would read the outbox just ahead of the push, which then waits for that read.
    // A kick while the device closes (stop) has nothing left to count.
    if (!this.running) void this.refreshPending().catch(() => undefined)
  }

  /**
   * One full round: push everything, pull everything, migrate what needs it, compact if due.
   * Pushing and pulling come first: they are what an edit on one device waits for to show on
   * another. Migration writes to the outbox, which the next round pushes.
   */
  async syncOnce(): Promise<void> {
    await this.round(false)
  }

  /** A round; `woken` when the server's head moved and nothing was written here meanwhile, so only a pull can have work. */
  private async round(woken: boolean): Promise<void> {
    // A round woken by another device's edit says "syncing" only if its pull takes more than a
    // page: tabs would otherwise render twice per remote edit, the first time just before it shows.
    if (!woken) {
      this.publish({ state: "syncing" })
      // A page a long-poll brought is all a woken round needs; a round that also pushes pulls afresh.
      this.carried = undefined
      // An edit is what another device waits for: it goes out before the round's other work. A
      // change naming chunks the server does not hold yet waits (OutboxPusher) for the upload below.
      const handed = this.handed
      this.handed = undefined
      await this.pushAll(handed)
      // What this device could not read, as the workspace document reports it (BlobCollector).
      const reported = await this.collector.report()
      // Changes waiting on uploaded chunks go out right after them.
      const uploaded = await this.uploadChunks()
      if (reported || uploaded) await this.pushAll()
      // Chunks a note being opened asked for come before the pull: the person is waiting for them.
      await this.fetchWanted()
    }
    // A push that was all that was new left nothing to pull (the pusher moved the cursor past
    // it); what others write after that wakes the next long-poll, which asks from the cursor.
    const caughtUp = woken ? undefined : this.pusher.caughtUpTo
    if (caughtUp === undefined) await this.pullAll()
    else this.publish({ cursor: caughtUp })
    await this.store.migrateAll()
    await this.fetchChunks()
    await this.collectChunks()
    await this.compactIfDue()
    await this.refreshPending()
    // A file that did not fit keeps the status honest: it is not synced, and says why.
    const quota = this.uploader.quotaFailure
    this.publish({ state: quota ? "error" : "idle", lastSyncedAt: Date.now(), lastError: quota ?? null, progress: null })
  }

  /** Chunks a file being added just stored: the next upload takes them without reading them back (BlobUploader.hand). */
  handChunks(chunks: ReadonlyArray<HandedChunk>): void {
    this.uploader.hand(chunks)
  }

  /** Uploads the attachment chunks waiting on this device (see BlobUploader); true if any was due. */
  async uploadChunks(): Promise<boolean> {
    const { failure, any } = await this.uploader.uploadAll(() => this.refreshPending())
    if (failure) throw new RoundFailed(failure)
    return any
  }

  /** Fetches the chunks this device wants: opened notes' attachments, or all of them when kept offline. */
  async fetchChunks(): Promise<void> {
    await this.fetcher.wantEverything()
    await this.fetchWanted()
  }

  private async fetchWanted(): Promise<void> {
    const failure = await this.fetcher.fetchAll()
    if (failure) throw new RoundFailed(failure)
  }

  /** On the master, removes chunks long unreferenced (BlobCollector). */
  async collectChunks(): Promise<Collection> {
    const collection = await this.collector.collect()
    if (collection.kind === "collected" && collection.failure) throw new RoundFailed(collection.failure)
    return collection
  }

  /** The steps of a round, public so tests can interleave them across devices in any order. */
  async pushAll(handed?: HandedEntry): Promise<void> {
    const push = async () => {
      const failure = await this.pusher.pushAll(async () => {
        this.lastPushAt = Date.now()
        await this.refreshPending()
      }, handed)
      handed = undefined
      if (failure) throw new RoundFailed(failure)
    }
    await push()
    // Chunks the server no longer held were queued again: they go up first, then the changes that name them.
    if (this.pusher.requeued) {
      await this.uploadChunks()
      await push()
    }
  }

  async pullAll(): Promise<void> {
    const start = (await readMeta(this.db, "cursor")) ?? 0
    let cursor = start
    let bytes = 0
    const notes = new Set<string>()
    const fetchFrom = async (after: number) =>
      this.opening(unwrap(await this.api.pull(after, this.options.pageSize, this.options.pageBytes)))
    // What woke the long-poll came with its answer: the pull starts from it without asking again.
    const carried = this.carried
    this.carried = undefined
    const fromCarried = carried?.after === cursor
    // Pages are fetched and decrypted while the ones before them are written, and whatever
    // arrived meanwhile is written together: a first pull of many notes waits on the network
    // and on WebCrypto only once, in a few transactions.
    const morePages = (page: PulledPage) => page.hasMore && page.changes.length > 0
    const pages = readAhead(
      fromCarried ? carried.opening : fetchFrom(cursor),
      ({ page }) => morePages(page),
      ({ page }) => fetchFrom(page.changes.at(-1)!.seq),
      ({ page }) => sealedBytesOf(page.changes),
      this.options.pageBytes * pagesAhead
    )
    // The long-poll's page went to the tabs as soon as it was opened (see longPoll).
    let announcedAhead = fromCarried ? 1 : 0
    try {
      for (;;) {
        const taken = await pages.take()
        if (taken.length === 0) return
        for (const { opened } of taken.slice(announcedAhead)) this.announce(opened)
        announcedAhead = 0
        const batch = joinPages(taken.map((t) => t.opened))
        // The batch's last change, not its last page's: that page may be empty.
        const reached = batch.changes.at(-1)?.seq ?? cursor
        for (const docId of await applyPage(this.store, batch, reached)) if (docId !== workspaceDocId) notes.add(docId)
        cursor = reached
        bytes += sealedBytesOf(batch.changes)
        const last = taken.at(-1)!.page
        const more = morePages(last)
        this.publish({
          cursor,
          ...(more
            ? { state: "syncing" as const, progress: { done: cursor - start, total: last.headSeq - start, bytes, notes: notes.size } }
            : { progress: null })
        })
        if (!more) return
      }
    } finally {
      pages.stop()
    }
  }

  /** Compacts one document now, whatever the policy says (tests, and a future "compact" button). */
  compactDocument(docId: string) {
    return compactDocument(this.store, this.api, this.key, docId)
  }

  async compactIfDue(): Promise<void> {
    const credentials = await readMeta(this.db, "workspace")
    if (!credentials) return
    const round = await compactDue(this.store, this.api, this.key, credentials.deviceId, this.compaction, this.refusedCompactions)
    this.compactionDueAt = round.nextDueInMs === undefined ? undefined : Date.now() + round.nextDueInMs
    if (round.failure) throw new RoundFailed(round.failure)
  }

  private async hasUnsent(): Promise<boolean> {
    return (await this.pusher.unsentCount()) > 0
  }

  /**
   * Waits for work: the server's head passing the cursor, a kick, or the long-poll timeout.
   * Local edits then go out at once after a pause, and at most every `pushIntervalMs` while
   * they keep coming (they fold into open entries meanwhile). A kick says there is something
   * to push without reading the outbox.
   */
  private async waitForWork(): Promise<"woken" | "work"> {
    if (!this.kicked && !(await this.hasUnsent())) {
      const headMoved = await this.longPoll()
      // Every local write kicks: a wait that ends without one has only the server's news.
      if (!this.kicked) return headMoved ? "woken" : "work"
    }
    const wait = this.lastPushAt + this.options.pushIntervalMs - Date.now()
    if (wait > 0) {
      // A handed entry goes alone, so only at once: after the interval, the push takes whatever is there.
      this.handed = undefined
      // What waits for the interval shows as pending meanwhile.
      await Promise.all([this.refreshPending(), new Promise((resolve) => setTimeout(resolve, wait))])
    }
    return "work"
  }

  /** The changes the last long-poll was answered with, after `after`: the pull starts from them instead of asking again. */
  private carried: { readonly after: number; readonly opening: Promise<{ page: PulledPage; opened: OpenedPage }> } | undefined

  private async opening(page: PulledPage) {
    return { page, opened: await openPage(this.key, page.changes) }
  }

  /** Whether the server's head passed the cursor (not a timeout, nor a kick). */
  private async longPoll(): Promise<boolean> {
    const cursor = (await readMeta(this.db, "cursor")) ?? 0
    // Come back in time for a document that becomes due for compaction, or a chunk due for
    // another try, while nothing happens.
    const dueAt = [this.compactionDueAt, await this.uploader.nextRetryAt(), await this.fetcher.nextRetryAt()].filter(
      (at): at is number => at !== undefined && Number.isFinite(at)
    )
    const until = dueAt.length === 0 ? Infinity : Math.ceil((Math.min(...dueAt) - this.store.clock()) / 1000)
    const seconds = Math.max(1, Math.min(this.options.waitSeconds, until))
    // A kick that came after the round began, before this wait could be cut short, is not lost.
    if (this.kicked || !this.running) return false
    let open = this.openWait
    if (open?.after !== cursor) {
      const abort = new AbortController()
      this.waits.add(abort)
      const page = { limit: this.options.pageSize, maxBytes: this.options.pageBytes }
      const answer = this.api.wait(cursor, seconds, abort.signal, page).finally(() => this.waits.delete(abort))
      open = { after: cursor, answer }
      this.openWait = open
    }
    const kicked = new Promise<undefined>((resolve) => (this.stopWaiting = () => resolve(undefined)))
    const result = await Promise.race([open.answer, kicked])
    this.stopWaiting = undefined
    if (result === undefined) return false
    if (this.openWait === open) this.openWait = undefined
    if (Either.isLeft(result) && this.running) throw new RoundFailed(result.left)
    if (Either.isLeft(result) || result.right.headSeq <= cursor) return false
    const { changes, hasMore, headSeq } = result.right
    if (changes !== undefined && hasMore !== undefined) {
      // Opened at once, and handed to the tabs as soon as it is: another device's edit shows
      // without waiting for the round to begin and read the cursor. (The round stores it.)
      const opening = this.opening({ changes, hasMore, headSeq })
      opening.then(({ opened }) => this.announce(opened)).catch(() => undefined)
      this.carried = { after: cursor, opening }
    }
    return true
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
    for (const wait of this.waits) wait.abort()
    this.kick()
    await this.loop
  }

  private async run(): Promise<void> {
    // The pending count is shown before the first round; later, kicks and pushes refresh it.
    await this.refreshPending().catch(() => undefined)
    let woken = false
    while (this.running) {
      try {
        this.kicked = false
        await this.round(woken)
        this.backoff.reset()
        woken = (await this.waitForWork()) === "woken"
      } catch (error) {
        woken = false
        // Whatever a round throws is typed, shown and retried: nothing stops syncing silently.
        const failure = error instanceof RoundFailed ? error.error : deviceFailure(error)
        await this.refreshPending().catch(() => undefined)
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
