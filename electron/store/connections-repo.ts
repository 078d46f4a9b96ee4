import { ConnectionInfo } from '../../shared/connection.ts'
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
}

/**
 * A transfer's connection history is for people, so it is bounded: a split download reconnecting for days keeps
 * its latest connections, and one refused handshake is never pushed out by less than this many after it.
 */
export const MAX_CONNECTIONS_PER_TRANSFER = 50
const PRUNE_EVERY = 8

export function connectionsRepo(db: Preparer, now: () => number): ConnectionsRepo {
  const s = {
    add: db.prepare('INSERT INTO connections (transfer_id, at, info) VALUES (?, ?, ?)'),
    prune: db.prepare(`
      DELETE FROM connections WHERE transfer_id = :id AND id <= (
        SELECT id FROM connections WHERE transfer_id = :id ORDER BY id DESC LIMIT 1 OFFSET :keep)`),
    firstByte: db.prepare(`UPDATE connections SET info = json_set(info, '$.firstByteMs', ?) WHERE id = ?`),
    list: db.prepare(`
      SELECT * FROM (SELECT * FROM connections WHERE transfer_id = ? ORDER BY id DESC LIMIT ?) ORDER BY id`),
  }
  /** Connections added per transfer since its history was last pruned (by this process). */
  const added = new Map<number, number>()
  return {
    add(transferId, info) {
      const id = Number(s.add.run(transferId, now(), JSON.stringify(info)).lastInsertRowid)
      // Pruned every PRUNE_EVERY inserts, so the cap holds within that many: most transfers (a list of small
      // files) make one connection, and a prune per file would be a statement per file for nothing.
      const n = (added.get(transferId) ?? 0) + 1
      if (n < PRUNE_EVERY) added.set(transferId, n)
      else {
        added.delete(transferId)
        s.prune.run({ id: transferId, keep: MAX_CONNECTIONS_PER_TRANSFER })
      }
      return id
    },
    setFirstByte(id, ms) {
      s.firstByte.run(ms, id)
    },
    list(transferId, limit = MAX_CONNECTIONS_PER_TRANSFER) {
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
