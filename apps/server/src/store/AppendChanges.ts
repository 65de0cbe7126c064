/**
 * The common push, a batch of new changes, as one statement: a single round trip to the
 * database instead of a token read and a transaction of five. It keeps every invariant of the
 * careful path (ChangeLog's transaction), or leaves the work to it:
 *
 * - The caller's token row is checked in the UPDATE's WHERE (there, matching its claims, not
 *   revoked, not expired), as the authentication of every other request checks it: no change
 *   is stored with a revoked token. If it fails, nothing happens and the careful path reads
 *   the row to say why.
 * - The UPDATE of the workspace row takes its row lock and moves the head by the batch's size
 *   in the same statement that inserts the changes at the seqs after the old head, so seqs are
 *   gapless and commit in order, as under the careful path's lock.
 * - The quota is checked in the UPDATE's WHERE, under that lock, so `bytes_used` stays exact.
 * - When this device already stored a change under one of the clientSeqs, the UPDATE's WHERE
 *   finds it and nothing happens; should one commit between that look and the insert (a
 *   retry racing its original), the idempotency key fails the statement whole. Either way
 *   nothing is stored, the head is unmoved, and the careful path sorts out retries (same
 *   digest: the first seq) from reuse (`ClientSeqReused`). Looking first matters on the
 *   embedded database, whose connection does not survive a failed statement; it has one
 *   connection, so the race cannot happen there.
 * - An unknown workspace, a full quota or a refused token updates no row and so inserts none:
 *   the careful path answers with the right error.
 * - The statement commits on its own before the answer goes out.
 *
 * Prepared once per connection. The data travels as one binary parameter cut by offsets, not
 * as a text-encoded array, which would double it; keys and digests are small.
 */
import type { Caller } from "@quire/shared"
import type pg from "pg"

const appendStatement = {
  name: "quire-append-changes",
  text: `
    WITH head AS (
      UPDATE workspaces
      SET head_seq = head_seq + $3::int, bytes_used = bytes_used + $4::bigint, change_count = change_count + $3::int
      WHERE id = $1 AND bytes_used + $4::bigint <= $5::bigint
        AND NOT EXISTS (SELECT 1 FROM changes WHERE workspace_id = $1 AND device_id = $2 AND client_seq = ANY($6::bigint[]))
        AND EXISTS (
          SELECT 1 FROM tokens
          WHERE workspace_id = $1 AND id = $12 AND device_id = $2 AND role = $13
            AND revoked_at IS NULL AND (expires_at IS NULL OR expires_at > now())
        )
      RETURNING head_seq - $3::int AS before
    )
    INSERT INTO changes (workspace_id, seq, device_id, client_seq, key, kind, digest, size, data)
    SELECT $1, head.before + c.n, $2, c.client_seq, c.key, 0, c.digest, c.size, substring($10::bytea FROM c.start + 1 FOR c.size)
    FROM head, unnest($6::bigint[], $7::bytea[], $8::bytea[], $9::int[], $11::int[]) WITH ORDINALITY AS c(client_seq, key, digest, size, start, n)
    RETURNING client_seq, seq`
}

export interface NewChange {
  readonly clientSeq: number
  readonly key: Buffer
  readonly digest: Buffer
  readonly data: Buffer
}

export interface Appended {
  /** The seq each change got, in the order given. */
  readonly seqs: ReadonlyArray<number>
  readonly headSeq: number
}

const isIdempotencyConflict = (error: unknown) =>
  typeof error === "object" &&
  error !== null &&
  (error as { code?: unknown }).code === "23505" &&
  (error as { constraint?: unknown }).constraint === "changes_idempotency_key"

/**
 * Appends `changes` (distinct clientSeqs, each new, all within limits) in one statement, or
 * answers `undefined` having stored nothing, for the careful path to decide.
 */
export const appendChanges = async (
  pool: pg.Pool,
  caller: Caller,
  quotaBytes: number,
  changes: ReadonlyArray<NewChange>
): Promise<Appended | undefined> => {
  const starts: Array<number> = []
  let addedBytes = 0
  for (const change of changes) {
    starts.push(addedBytes)
    addedBytes += change.data.length
  }
  let rows: Array<{ client_seq: string; seq: string }>
  try {
    ;({ rows } = await pool.query<{ client_seq: string; seq: string }>({
      ...appendStatement,
      values: [
        caller.workspaceId,
        caller.deviceId,
        changes.length,
        addedBytes,
        quotaBytes,
        changes.map((change) => change.clientSeq),
        changes.map((change) => change.key),
        changes.map((change) => change.digest),
        changes.map((change) => change.data.length),
        changes.length === 1 ? changes[0]!.data : Buffer.concat(changes.map((change) => change.data)),
        starts,
        caller.tokenId,
        caller.role
      ]
    }))
  } catch (error) {
    if (isIdempotencyConflict(error)) return undefined
    throw error
  }
  if (rows.length !== changes.length) return undefined
  const seqOf = new Map(rows.map((row) => [Number(row.client_seq), Number(row.seq)]))
  const seqs = changes.map((change) => seqOf.get(change.clientSeq)!)
  return { seqs, headSeq: Math.max(...seqs) }
}
