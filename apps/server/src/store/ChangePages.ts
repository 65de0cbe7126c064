/**
 * Reading the log in bounded pages, for pulls and for backups alike. The bounds are applied in
 * SQL with running sums of the `size` column, so the database hands over exactly the page:
 * the server never fetches a change's data it will not send.
 */
import { PayloadTooLarge, type ChangeKind } from "@quire/shared"
import { sql } from "drizzle-orm"
import type { Db, Tx } from "./Database.js"
import { changeKind } from "./schema.js"

export interface StoredChange {
  readonly seq: number
  readonly deviceId: string
  readonly clientSeq: number
  readonly key: Uint8Array
  readonly kind: ChangeKind
  readonly data: Uint8Array
}

export interface ChangePage {
  readonly changes: ReadonlyArray<StoredChange>
  readonly headSeq: number
  /** Whether changes past the page's last one exist (read in the same statement as the page). */
  readonly more: boolean
}

export interface PageBounds {
  readonly after: number
  /** At most this many changes. */
  readonly limit: number
  /** Stop before the changes' data passes this many bytes (the first change always comes). */
  readonly maxBytes: number
  /** Stop before the page's JSON (base64 data plus each change's fields) passes this many bytes. */
  readonly maxWireBytes?: number
}

/**
 * JSON a pulled change costs besides its base64 data: `{"seq":…,"deviceId":"<uuid>",
 * "key":"<≤43 chars>","kind":"snapshot","data":""},` is under 160 bytes; rounded up.
 */
const wireBytesPerChange = 192
/** `{"changes":[],"headSeq":…,"hasMore":false}` and slack. */
export const wireBytesPerPage = 256

/**
 * The largest change this server stores: one whose page of one still fits MAX_BODY_BYTES as
 * JSON, so every stored change can be pulled.
 */
export const maxChangeBytes = (maxBodyBytes: number) =>
  Math.max(0, Math.floor((maxBodyBytes - wireBytesPerPage - wireBytesPerChange) / 4) * 3)

export const changeTooLarge = (size: number, maxBodyBytes: number) => {
  const maxBytes = maxChangeBytes(maxBodyBytes)
  return size > maxBytes
    ? new PayloadTooLarge({
        message: `A change of ${size} bytes is larger than this server stores (${maxBytes} bytes); split it.`,
        maxBytes
      })
    : undefined
}

/** The changes one push just stored, in seq order, right after the head it found (`before`). */
export interface Appended {
  readonly before: number
  readonly changes: ReadonlyArray<StoredChange>
}

/**
 * The page `readChangePage` reads after `bounds.after` when that page is exactly what one push
 * just stored: a long-poll woken by the push is answered from it, without reading the log.
 * `undefined` when the page would differ (the waiter was further behind, or the bounds cut the
 * push short). The head is the push's own: a later push wakes the next long-poll.
 */
export const pageOfAppended = ({ before, changes }: Appended, bounds: PageBounds): ChangePage | undefined => {
  if (before !== bounds.after || changes.length === 0 || changes.length > bounds.limit) return undefined
  const maxWireBytes = bounds.maxWireBytes ?? Number.MAX_SAFE_INTEGER
  let dataBytes = 0
  let wireBytes = 0
  for (const change of changes) {
    dataBytes += change.data.length
    wireBytes += Math.floor((change.data.length + 2) / 3) * 4 + wireBytesPerChange
  }
  // As in SQL: the first change always comes, the others only within the bounds.
  const fits = dataBytes <= bounds.maxBytes && wireBytes <= maxWireBytes - wireBytesPerPage
  return changes.length === 1 || fits ? { changes, headSeq: before + changes.length, more: false } : undefined
}

interface PageRow extends Record<string, unknown> {
  head_seq: string
  more: boolean
  seq: string | null
  device_id: string | null
  client_seq: string | null
  key: Buffer | null
  kind: number | null
  data: Buffer | null
}

const bytesOf = (buffer: Buffer) => new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength)

/**
 * The changes of `workspaceId` after `bounds.after`, in seq order, within the bounds; null when
 * the workspace does not exist. One statement, so head, page and `more` agree.
 *
 * `candidates` walks the primary key (workspace_id, seq) with running sums over `size` only,
 * stopping at limit + 1 rows; `page` keeps the prefix within the bounds (always its first
 * row); only the page's rows are joined back for their data.
 */
export const readChangePage = async (db: Db | Tx, workspaceId: string, bounds: PageBounds): Promise<ChangePage | null> => {
  const maxWireBytes = bounds.maxWireBytes ?? Number.MAX_SAFE_INTEGER
  const { rows } = await db.execute<PageRow>(sql`
    WITH head AS (
      SELECT head_seq FROM workspaces WHERE id = ${workspaceId}
    ), candidates AS (
      SELECT seq,
             row_number() OVER w AS n,
             sum(size::bigint) OVER w AS data_bytes,
             sum((size::bigint + 2) / 3 * 4 + ${wireBytesPerChange}::bigint) OVER w AS wire_bytes
      FROM changes
      WHERE workspace_id = ${workspaceId} AND seq > ${bounds.after}
      WINDOW w AS (ORDER BY seq ROWS UNBOUNDED PRECEDING)
      ORDER BY seq
      LIMIT ${bounds.limit + 1}
    ), page AS (
      SELECT seq FROM candidates
      WHERE n = 1
         OR (n <= ${bounds.limit} AND data_bytes <= ${bounds.maxBytes}::bigint AND wire_bytes <= ${maxWireBytes - wireBytesPerPage}::bigint)
    )
    SELECT head.head_seq,
           (SELECT count(*) FROM candidates) > (SELECT count(*) FROM page) AS more,
           c.seq, c.device_id, c.client_seq, c.key, c.kind, c.data
    FROM head
    LEFT JOIN (page JOIN changes c ON c.workspace_id = ${workspaceId} AND c.seq = page.seq) ON true
    ORDER BY c.seq
  `)
  const first = rows[0]
  if (!first) return null
  const changes = rows.flatMap((row): Array<StoredChange> =>
    row.seq === null
      ? []
      : [
          {
            seq: Number(row.seq),
            deviceId: row.device_id!,
            clientSeq: Number(row.client_seq),
            key: bytesOf(row.key!),
            kind: row.kind === changeKind.snapshot ? "snapshot" : "update",
            data: bytesOf(row.data!)
          }
        ]
  )
  return { changes, headSeq: Number(first.head_seq), more: first.more }
}
