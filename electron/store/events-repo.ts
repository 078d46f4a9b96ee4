import type { Preparer } from './turn-commit.ts'
import { redactUrlsIn } from '../../shared/redact-url.ts'

/** One line of a transfer's history: a retry, a restart and why, a recovery after a crash. */
export interface EventRow {
  id: number
  transferId: number
  at: number
  kind: string
  message: string
}

export interface EventsRepo {
  add(transferId: number, kind: string, message: string): void
  /** The latest `limit` events, oldest first. */
  list(transferId: number, limit?: number): EventRow[]
}

/**
 * The log is for people, so it is bounded: a transfer retrying for days keeps its latest events, and a message
 * carrying a stack trace is cut to what a screen shows.
 */
const MAX_EVENTS_PER_TRANSFER = 1_000
const MAX_MESSAGE_CHARS = 4_096
const PRUNE_EVERY = 16

export function eventsRepo(db: Preparer, now: () => number): EventsRepo {
  const s = {
    add: db.prepare('INSERT INTO events (transfer_id, at, kind, message) VALUES (?, ?, ?, ?)'),
    prune: db.prepare(`
      DELETE FROM events WHERE transfer_id = :id AND id <= (
        SELECT id FROM events WHERE transfer_id = :id ORDER BY id DESC LIMIT 1 OFFSET :keep)`),
    list: db.prepare(`
      SELECT * FROM (SELECT * FROM events WHERE transfer_id = ? ORDER BY id DESC LIMIT ?) ORDER BY id`),
  }
  /** Events added per transfer since its history was last pruned (by this process). */
  const added = new Map<number, number>()
  return {
    add(transferId, kind, message) {
      // Whatever wrote the message, a URL in it is kept without its userinfo or signature: the log is shown.
      const shown = redactUrlsIn(message)
      const text = shown.length > MAX_MESSAGE_CHARS ? `${shown.slice(0, MAX_MESSAGE_CHARS - 1)}…` : shown
      s.add.run(transferId, now(), kind, text)
      // The cap is kept within PRUNE_EVERY events: pruning on every insert would cost a statement per event, and
      // most transfers log two or three in all.
      const n = (added.get(transferId) ?? 0) + 1
      if (n < PRUNE_EVERY) return void added.set(transferId, n)
      added.delete(transferId)
      s.prune.run({ id: transferId, keep: MAX_EVENTS_PER_TRANSFER })
    },
    list: (transferId, limit = 200) =>
      s.list.all(transferId, limit).map((r) => ({
        id: r['id'] as number,
        transferId: r['transfer_id'] as number,
        at: r['at'] as number,
        kind: r['kind'] as string,
        message: r['message'] as string,
      })),
  }
}
