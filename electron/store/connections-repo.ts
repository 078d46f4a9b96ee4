import { ConnectionInfo } from '../../shared/connection.ts'
import { HeldRows } from './held-rows.ts'
import type { Staging } from './row-updates.ts'
import type { Preparer } from './turn-commit.ts'

/** One stored connection of a transfer. */
export interface ConnectionRow {
  id: number
  transferId: number
  info: ConnectionInfo
}

export interface ConnectionsRepo {
  /** Keep a connection the transfer made (or refused); returns its row id. */
  add(transferId: number, info: ConnectionInfo): number
  /** The time to the first response byte, once it is known (it comes after the connection is recorded). */
  setFirstByte(id: number, ms: number): void
  /** The latest `limit` connections, oldest first (at most MAX_CONNECTIONS_PER_TRANSFER by default). */
  list(transferId: number, limit?: number): ConnectionRow[]
  /**
   * Keep a connection whose time to the first byte is still to come; the returned function records that time.
   * With group commit the row is written when the turn's transaction commits, with the time in it when it came
   * by then: one statement where `add` and `setFirstByte` are two. Reads of this process see it at once.
   */
  addTimed(transferId: number, info: ConnectionInfo): (firstByteMs: number) => void
  /** Write the connections held for the commit now (before their transfer's row is deleted). */
  flush(): void
}

/** A connection held until the commit; `rowId` once written, `gone` when its transfer was deleted first. */
interface Held {
  transferId: number
  at: number
  info: ConnectionInfo
  rowId?: number
  gone?: boolean
}

/**
 * A transfer's connection history is for people, so it is bounded: a split download reconnecting for days keeps
 * its latest connections, and one refused handshake is never pushed out by less than this many after it.
 */
export const MAX_CONNECTIONS_PER_TRANSFER = 50
const PRUNE_EVERY = 8

export function connectionsRepo(db: Preparer, now: () => number, staging?: Staging): ConnectionsRepo {
  const s = {
    add: db.prepare('INSERT INTO connections (transfer_id, at, info) VALUES (?, ?, ?)'),
    // A held connection whose transfer was deleted meanwhile is dropped, as the cascade would have dropped it.
    addHeld: db.prepare(`
      INSERT INTO connections (transfer_id, at, info)
      SELECT :id, :at, :info WHERE EXISTS (SELECT 1 FROM transfers WHERE id = :id)`),
    prune: db.prepare(`
      DELETE FROM connections WHERE transfer_id = :id AND id <= (
        SELECT id FROM connections WHERE transfer_id = :id ORDER BY id DESC LIMIT 1 OFFSET :keep)`),
    firstByte: db.prepare(`UPDATE connections SET info = json_set(info, '$.firstByteMs', ?) WHERE id = ?`),
    list: db.prepare(`
      SELECT * FROM (SELECT * FROM connections WHERE transfer_id = ? ORDER BY id DESC LIMIT ?) ORDER BY id`),
  }
  /** Connections added per transfer since its history was last pruned (by this process). */
  const added = new Map<number, number>()
  const pruned = (transferId: number) => {
    // Pruned every PRUNE_EVERY inserts, so the cap holds within that many: most transfers (a list of small
    // files) make one connection, and a prune per file would be a statement per file for nothing.
    const n = (added.get(transferId) ?? 0) + 1
    if (n < PRUNE_EVERY) added.set(transferId, n)
    else {
      added.delete(transferId)
      s.prune.run({ id: transferId, keep: MAX_CONNECTIONS_PER_TRANSFER })
    }
  }
  // In the order they were made, which is the order of their row ids and so of the history.
  const held = new HeldRows<Held>(
    (h) => {
      const written = s.addHeld.run({ id: h.transferId, at: h.at, info: JSON.stringify(h.info) })
      if (written.changes === 0) h.gone = true
      else {
        h.rowId = Number(written.lastInsertRowid)
        pruned(h.transferId)
      }
    },
    (h) => {
      // Its row was rolled back: a first byte that comes now goes into the row held to be written again (or, for
      // one held inside the rolled-back transaction, nowhere), never into a row that took its id since.
      delete h.rowId
      delete h.gone
    },
  )
  if (staging) {
    staging.beforeCommit(() => held.flush())
    staging.afterTurnRollback(() => held.clear())
    staging.levels(held)
  }
  const flush = () => held.flush()
  const add = (transferId: number, info: ConnectionInfo): number => {
    // After the ones held, so the history keeps the order the connections were made in.
    flush()
    const id = Number(s.add.run(transferId, now(), JSON.stringify(info)).lastInsertRowid)
    pruned(transferId)
    return id
  }
  return {
    add,
    setFirstByte(id, ms) {
      s.firstByte.run(ms, id)
    },
    addTimed(transferId, info) {
      if (!staging) {
        const id = add(transferId, info)
        return (ms) => s.firstByte.run(ms, id)
      }
      // Joined now, so this turn's commit is scheduled and writes it.
      staging.join()
      const h: Held = { transferId, at: now(), info }
      held.hold(h)
      return (ms) => {
        if (h.gone) return
        if (h.rowId === undefined) h.info = { ...h.info, firstByteMs: ms }
        else s.firstByte.run(ms, h.rowId)
      }
    },
    flush,
    list(transferId, limit = MAX_CONNECTIONS_PER_TRANSFER) {
      flush()
      const rows: ConnectionRow[] = []
      for (const r of s.list.all(transferId, limit)) {
        const info = parse(r['info'] as string)
        // A row that no longer parses costs that one entry, never the whole details answer (schema-checked).
        if (info) rows.push({ id: r['id'] as number, transferId, info })
      }
      return rows
    },
  }
}

function parse(json: string): ConnectionInfo | undefined {
  try {
    const parsed = ConnectionInfo.safeParse(JSON.parse(json))
    return parsed.success ? parsed.data : undefined
  } catch {
    return undefined
  }
}
