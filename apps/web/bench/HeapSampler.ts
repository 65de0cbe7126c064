/**
 * Samples a tab's JS heap (CDP `Performance.getMetrics`, JSHeapUsedSize) and its sync worker's
 * (`Runtime.getHeapUsage`; a worker has no Performance domain) every few milliseconds, so a
 * bench can say how far above idle a piece of work takes them. The worker is reached through
 * the tab's session (auto-attach, messages wrapped for its target).
 */
import type { CDPSession, Page } from "playwright-core"

export interface HeapFigures {
  /** Median of the samples taken while nothing happened, in MB. */
  readonly idle: number
  readonly peak: number
  readonly aboveIdle: number
  readonly samples: number
}

interface Window {
  readonly tab: Array<number>
  readonly worker: Array<number>
}

const mb = (bytes: number) => Number((bytes / 1024 / 1024).toFixed(1))

const median = (values: ReadonlyArray<number>) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? NaN

export const startHeapSampler = async (page: Page, everyMs = 25, workerUrl = /sync\.worker/) => {
  const cdp: CDPSession = await page.context().newCDPSession(page)
  await cdp.send("Performance.enable")
  let workerSession: string | undefined
  let nextId = 1
  const answers = new Map<number, (result: { usedSize?: number }) => void>()
  cdp.on("Target.attachedToTarget", (event) => {
    if (event.targetInfo.type === "worker" && workerUrl.test(event.targetInfo.url)) workerSession = event.sessionId
  })
  cdp.on("Target.detachedFromTarget", (event) => {
    if (event.sessionId === workerSession) workerSession = undefined
  })
  cdp.on("Target.receivedMessageFromTarget", (event) => {
    const message = JSON.parse(event.message) as { id?: number; result?: { usedSize?: number } }
    if (message.id !== undefined) answers.get(message.id)?.(message.result ?? {})
  })
  await cdp.send("Target.setAutoAttach", { autoAttach: true, waitForDebuggerOnStart: false, flatten: false })

  const workerHeap = async (): Promise<number | undefined> => {
    if (!workerSession) return undefined
    const id = nextId++
    // A worker that goes away (its page navigated) never answers: the sample is skipped, not waited for.
    const answered = new Promise<{ usedSize?: number }>((resolve) => {
      answers.set(id, resolve)
      setTimeout(() => resolve({}), 1000)
    })
    await cdp.send("Target.sendMessageToTarget", {
      sessionId: workerSession,
      message: JSON.stringify({ id, method: "Runtime.getHeapUsage" })
    })
    const { usedSize } = await answered
    answers.delete(id)
    return usedSize
  }
  const tabHeap = async () => {
    const { metrics } = await cdp.send("Performance.getMetrics")
    return metrics.find((metric) => metric.name === "JSHeapUsedSize")!.value
  }

  let window: Window = { tab: [], worker: [] }
  let running = true
  const loop = (async () => {
    while (running) {
      const started = performance.now()
      const [tab, worker] = await Promise.all([tabHeap(), workerHeap()])
      window.tab.push(tab)
      if (worker !== undefined) window.worker.push(worker)
      await new Promise((resolve) => setTimeout(resolve, Math.max(0, everyMs - (performance.now() - started))))
    }
  })()

  /** Samples for `ms` while nothing happens, then resolves with a function that ends the measured window. */
  const measure = async (idleMs = 1500) => {
    window = { tab: [], worker: [] }
    await new Promise((resolve) => setTimeout(resolve, idleMs))
    const idle = window
    window = { tab: [], worker: [] }
    return () => {
      const busy = window
      const figures = (idleSamples: ReadonlyArray<number>, busySamples: ReadonlyArray<number>): HeapFigures => {
        const at = median(idleSamples)
        const peak = Math.max(at, ...busySamples)
        return { idle: mb(at), peak: mb(peak), aboveIdle: mb(peak - at), samples: busySamples.length }
      }
      return {
        tab: figures(idle.tab, busy.tab),
        worker: busy.worker.length > 0 ? figures(idle.worker, busy.worker) : undefined
      }
    }
  }

  const stop = async () => {
    running = false
    await loop
    await cdp.detach()
  }
  return { measure, stop, hasWorker: () => workerSession !== undefined }
}
