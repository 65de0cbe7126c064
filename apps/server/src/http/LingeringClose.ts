/**
 * A lingering close for a request body cut off at its limit while the client is still sending
 * it (a chunked body, no declared length). The platform destroys the request stream when it
 * stops reading, and Node then resets the connection, mostly before the 413 is written, so
 * the client never learns why. Instead, as web servers do, this request's stream keeps being
 * read and its bytes discarded until the client has sent everything (at most `lingerBytes`
 * more, for at most `lingerMs`); only then does the answer go out, on a connection that can
 * even be kept. A client that sends past those bounds is cut off, as before.
 */
import { IncomingMessage } from "node:http"

const lingerBytes = 8 * 1024 * 1024
const lingerMs = 10_000

export interface Lingering {
  /** Resolves once the rest of the body was read and discarded, or the bounds were passed. */
  readonly drained: () => Promise<void>
}

export const lingerOnDestroy = (incoming: IncomingMessage): Lingering => {
  const destroy = () => IncomingMessage.prototype.destroy.call(incoming)
  let drained: Promise<void> | undefined
  const drain = () =>
    (drained ??= new Promise<void>((resolve) => {
      if (incoming.complete) return resolve()
      let discarded = 0
      const giveUp = () => {
        clearTimeout(timer)
        destroy()
        resolve()
      }
      const timer = setTimeout(giveUp, lingerMs)
      incoming.on("data", (chunk: Buffer | string) => {
        discarded += chunk.length
        if (discarded > lingerBytes) giveUp()
      })
      incoming.once("end", () => {
        clearTimeout(timer)
        resolve()
      })
      incoming.once("close", () => {
        clearTimeout(timer)
        resolve()
      })
      incoming.resume()
    }))
  // The platform destroys the stream when it stops reading: read the rest instead.
  incoming.destroy = () => {
    void drain()
    return incoming
  }
  return { drained: drain }
}
