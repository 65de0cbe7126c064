/** Bounds of the protocol that both sides rely on. */
export const Limits = {
  /** Most changes one push may carry. */
  maxChangesPerPush: 1000,
  /** Default and largest page of `GET changes`. */
  defaultPageSize: 500,
  maxPageSize: 1000,
  /** Default and longest long-poll of `changes/wait`, in seconds. */
  defaultWaitSeconds: 25,
  maxWaitSeconds: 60,
  /** Default and longest life of a pairing code, in seconds. */
  defaultPairingTtlSeconds: 600,
  maxPairingTtlSeconds: 7 * 24 * 3600,
  /** Longest device label. */
  maxLabelLength: 200
} as const
