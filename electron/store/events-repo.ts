import { HeldRows } from './held-rows.ts'
import type { Staging } from './row-updates.ts'
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
  /**
   * Add an event with the turn's commit (see held-rows.ts): held until then, and written by it, so the event goes
   * to disk with the turn's other writes or not at all. Nothing here can fail, so it may follow a write it must
   * not outlive. Reads of this process (`list`) see it at once.
   */
  addOnCommit(transferId: number, kind: string, message: string): void
  /** The latest `limit` events, oldest first. */
  list(transferId: number, limit?: number): EventRow[]
  /** Write the events held for the commit now (before their transfer's row is deleted). */
  flush(): void
}

/**
 * The log is for people, so it is bounded: a transfer retrying for days keeps its latest events, and a message
 * carrying a stack trace is cut to what a screen shows.
 */
const MAX_EVENTS_PER_TRANSFER = 1_000
const MAX_MESSAGE_CHARS = 4_096
const PRUNE_EVERY = 16

interface Held {
  transferId: number
  at: number
  kind: string
  text: string
}

export function eventsRepo(db: Preparer, now: () => number, staging?: Staging): EventsRepo {
  const s = {
    add: db.prepare('INSERT INTO events (transfer_id, at, kind, message) VALUES (?, ?, ?, ?)'),
    // A held event whose transfer was deleted meanwhile is dropped, as the cascade would have dropped it.
    addHeld: db.prepare(`
      INSERT INTO events (transfer_id, at, kind, message)
      SELECT :id, :at, :kind, :message WHERE EXISTS (SELECT 1 FROM transfers WHERE id = :id)`),
    prune: db.prepare(`
      DELETE FROM events WHERE transfer_id = :id AND id <= (
        SELECT id FROM events WHERE transfer_id = :id ORDER BY id DESC LIMIT 1 OFFSET :keep)`),
    list: db.prepare(`
      SELECT * FROM (SELECT * FROM events WHERE transfer_id = ? ORDER BY id DESC LIMIT ?) ORDER BY id`),
  }
  /** Events added per transfer since its history was last pruned (by this process). */
  const added = new Map<number, number>()
  const pruned = (transferId: number) => {
    // The cap is kept within PRUNE_EVERY events: pruning on every insert would cost a statement per event, and
    // most transfers log two or three in all.
    const n = (added.get(transferId) ?? 0) + 1
    if (n < PRUNE_EVERY) return void added.set(transferId, n)
    added.delete(transferId)
    s.prune.run({ id: transferId, keep: MAX_EVENTS_PER_TRANSFER })
  }
  const held = new HeldRows<Held>((h) => {
    const written = s.addHeld.run({ id: h.transferId, at: h.at, kind: h.kind, message: h.text })
    if (written.changes > 0) pruned(h.transferId)
  })
  if (staging) {
    staging.beforeCommit(() => held.flush())
    staging.afterTurnRollback(() => held.clear())
    staging.levels(held)
  }
  const flush = () => held.flush()
  const add = (transferId: number, kind: string, message: string) => {
    // After the ones held, so the history keeps the order the events happened in.
    flush()
    s.add.run(transferId, now(), kind, shown(message))
    pruned(transferId)
  }
  return {
    add,
    addOnCommit(transferId, kind, message) {
      if (!staging) return add(transferId, kind, message)
      // Joined now, so this turn's commit is scheduled and writes it.
      staging.join()
      held.hold({ transferId, at: now(), kind, text: shown(message) })
    },
    list(transferId, limit = 200) {
      flush()
      return s.list.all(transferId, limit).map((r) => ({
        id: r['id'] as number,
        transferId: r['transfer_id'] as number,
        at: r['at'] as number,
        kind: r['kind'] as string,
        message: r['message'] as string,
      }))
    },
    flush,
  }
}

/** Whatever wrote the message, a URL in it is kept without its userinfo or signature: the log is shown. */
function shown(message: string): string {
  const text = redactUrlsIn(message)
  return text.length > MAX_MESSAGE_CHARS ? `${text.slice(0, MAX_MESSAGE_CHARS - 1)}…` : text
}
