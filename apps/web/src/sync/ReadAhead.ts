/**
 * Pages fetched one after another (each starts after the one before it) while the caller
 * writes the ones already here. `take` answers every page that has arrived, so the slower
 * the writes, the more pages go into one: a first pull of thousands of notes is then written
 * in a few transactions, not one per page. What waits is bounded by `maxBytes` (one page may
 * pass it). A fetch that fails reaches the caller after the pages fetched before it.
 */
export interface ReadAhead<P> {
  /** The pages that arrived since the last call (at least one), in order; empty once every page was taken. */
  take(): Promise<Array<P>>
  /** No page after the ones in flight is fetched (the caller failed, or stops). */
  stop(): void
}

export const readAhead = <P>(
  first: Promise<P>,
  /** Whether pages come after this one. */
  more: (page: P) => boolean,
  after: (page: P) => Promise<P>,
  sizeOf: (page: P) => number,
  maxBytes: number
): ReadAhead<P> => {
  const arrived: Array<P> = []
  let waiting = 0
  let ended = false
  let failure: { readonly error: unknown } | undefined
  let stopped = false
  let wakeTaker: (() => void) | undefined
  let wakeFetcher: (() => void) | undefined

  const fetchAll = async () => {
    let page = await first
    for (;;) {
      arrived.push(page)
      waiting += sizeOf(page)
      wakeTaker?.()
      if (!more(page)) return
      // The next page is not asked for before there is room: a `take` makes it.
      while (waiting > maxBytes && !stopped) await new Promise<void>((resolve) => (wakeFetcher = resolve))
      if (stopped) return
      page = await after(page)
    }
  }
  void fetchAll().then(
    () => {
      ended = true
      wakeTaker?.()
    },
    (error: unknown) => {
      failure = { error }
      wakeTaker?.()
    }
  )

  return {
    async take() {
      while (arrived.length === 0 && !ended && failure === undefined) await new Promise<void>((resolve) => (wakeTaker = resolve))
      wakeTaker = undefined
      if (arrived.length === 0 && failure !== undefined) throw failure.error
      const pages = arrived.splice(0)
      waiting = 0
      wakeFetcher?.()
      return pages
    },
    stop() {
      stopped = true
      wakeFetcher?.()
    }
  }
}
