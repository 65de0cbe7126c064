/** Delays between failed attempts: 1 s, 2 s, 4 s … capped at 60 s, each with ±20 % jitter. */
export interface BackoffOptions {
  readonly initialMs?: number
  readonly maxMs?: number
  readonly random?: () => number
}

export const makeBackoff = ({ initialMs = 1_000, maxMs = 60_000, random = Math.random }: BackoffOptions = {}) => {
  let attempt = 0
  return {
    next(): number {
      const base = Math.min(maxMs, initialMs * 2 ** attempt)
      attempt += 1
      return Math.round(base * (0.8 + 0.4 * random()))
    },
    reset(): void {
      attempt = 0
    }
  }
}
