/** Bounds of the protocol that both sides rely on. */
export const Limits = {
  /** Most changes one push may carry. */
  maxChangesPerPush: 1000,
  /** Default and largest page of `GET changes`, in changes. */
  defaultPageSize: 500,
  maxPageSize: 1000,
  /** Default byte bound of a page of `GET changes` (its changes' data, before base64). */
  defaultPageBytes: 4 * 1024 * 1024,
  /** Default and longest long-poll of `changes/wait`, in seconds. */
  defaultWaitSeconds: 25,
  maxWaitSeconds: 60,
  /** Default and longest life of a pairing code, in seconds. */
  defaultPairingTtlSeconds: 600,
  maxPairingTtlSeconds: 24 * 3600,
  /** Longest device label. */
  maxLabelLength: 200,
  /** Shortest and longest document key and blob id, in bytes (base64url on the wire). */
  minKeyBytes: 16,
  maxKeyBytes: 32,
  /** Largest blob (one sealed attachment chunk). */
  maxBlobBytes: 4 * 1024 * 1024,
  /** Largest title plus body of one note, in UTF-8 bytes: larger text belongs in an attachment. */
  maxNoteTextBytes: 4 * 1024 * 1024,
  /** Most ids one `blobs/missing` request may ask about. */
  maxMissingQuery: 1000
} as const
