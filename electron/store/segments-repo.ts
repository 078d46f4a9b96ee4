import type { Preparer } from './turn-commit.ts'

import type { Transaction } from './transaction.ts'

/** A byte range `[start, end)` of a transfer's file; `done` counts the durable bytes from `start`. */
export interface SegmentRow {
  transferId: number
  start: number
  end: number
  done: number
}

export type SegmentInput = Omit<SegmentRow, 'transferId'>

export interface SegmentsRepo {
  /** Ordered by start. */
  list(transferId: number): SegmentRow[]
  /**
   * Replace the transfer's segments at once (an empty list clears them). They must not overlap. `fresh`: the
   * caller knows the transfer has none yet, so there is nothing to delete.
   */
  replace(transferId: number, segments: readonly SegmentInput[], fresh?: boolean): void
  /**
   * Record durable progress, atomically for all the updates. Call only after the bytes were fsynced.
   *
   * `done` never goes down (a stale figure from a slower checkpoint cannot undo a newer one) and never past the
   * segment's length (its end may have moved since: split() gives the tail away). An update for a start that is
   * no longer a segment changes nothing.
   */
  commitProgress(transferId: number, updates: ReadonlyArray<{ start: number; done: number }>): void
  /** The sum of `done`: the bytes a restart can keep. */
  durableBytes(transferId: number): number
  /**
   * Work stealing: shrink `[start, end)` to `[start, at)` and add `[at, end)` with nothing done, atomically.
   * `at` must lie strictly inside the part not yet done, so no durable byte changes hands and neither half is empty.
   */
  split(transferId: number, start: number, at: number): SegmentRow
}

export function segmentsRepo(db: Preparer, transaction: Transaction): SegmentsRepo {
  // "end" is quoted throughout: it is an SQL keyword that SQLite only tolerates as a column name.
  const s = {
    list: db.prepare('SELECT start, "end", done FROM segments WHERE transfer_id = ? ORDER BY start'),
    get: db.prepare('SELECT start, "end", done FROM segments WHERE transfer_id = ? AND start = ?'),
    clear: db.prepare('DELETE FROM segments WHERE transfer_id = ?'),
    insert: db.prepare('INSERT INTO segments (transfer_id, start, "end", done) VALUES (?, ?, ?, ?)'),
    progress: db.prepare(
      'UPDATE segments SET done = MAX(done, MIN(?, "end" - start)) WHERE transfer_id = ? AND start = ?',
    ),
    shrink: db.prepare('UPDATE segments SET "end" = ? WHERE transfer_id = ? AND start = ?'),
    durable: db.prepare('SELECT COALESCE(SUM(done), 0) AS n FROM segments WHERE transfer_id = ?'),
  }
  const read = (r: Record<string, unknown>, transferId: number): SegmentRow => ({
    transferId,
    start: r['start'] as number,
    end: r['end'] as number,
    done: r['done'] as number,
  })

  return {
    list: (transferId) => s.list.all(transferId).map((r) => read(r, transferId)),
    replace(transferId, segments, fresh = false) {
      const sorted = [...segments].sort((a, b) => a.start - b.start)
      sorted.forEach((seg, i) => {
        const prev = sorted[i - 1]
        if (prev && seg.start < prev.end) {
          throw new RangeError(`segments [${prev.start}, ${prev.end}) and [${seg.start}, ${seg.end}) overlap`)
        }
      })
      const write = () => {
        if (!fresh) s.clear.run(transferId)
        for (const seg of sorted) s.insert.run(transferId, seg.start, seg.end, seg.done)
      }
      // One statement is atomic on its own; more need a transaction.
      if (sorted.length + (fresh ? 0 : 1) > 1) transaction(write)
      else write()
    },
    commitProgress(transferId, updates) {
      const write = () => {
        for (const u of updates) s.progress.run(u.done, transferId, u.start)
      }
      if (updates.length > 1) transaction(write)
      else write()
    },
    durableBytes: (transferId) => Number(s.durable.get(transferId)?.['n'] ?? 0),
    split(transferId, start, at) {
      return transaction(() => {
        const row = s.get.get(transferId, start)
        if (!row) throw new RangeError(`transfer ${transferId} has no segment starting at ${start}`)
        const seg = read(row, transferId)
        if (!Number.isSafeInteger(at) || at <= seg.start + seg.done || at >= seg.end) {
          throw new RangeError(
            `cannot split [${seg.start}, ${seg.end}) with ${seg.done} done at ${at}: ` +
              `the point must lie strictly between ${seg.start + seg.done} and ${seg.end}`,
          )
        }
        s.shrink.run(at, transferId, start)
        s.insert.run(transferId, at, seg.end, 0)
        return { transferId, start: at, end: seg.end, done: 0 }
      })
    },
  }
}
