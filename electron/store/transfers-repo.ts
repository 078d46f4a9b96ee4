import type { Preparer } from './turn-commit.ts'

import type { TransferState } from '../../shared/domain.ts'
import { splitCredentials } from '../../shared/url-credentials.ts'
import { KnownRows } from './known-rows.ts'
import { QUEUED_AHEAD, QueuedAhead } from './queued-ahead.ts'
import { guardTarget, rowUpdates, type Staging } from './row-updates.ts'
import { TargetClaims } from './target-claims.ts'
import { maybeRow, toRow, type NewTransfer, type TransferPatch, type TransferRow } from './transfer-row.ts'
import type { Transaction } from './transaction.ts'

export interface TransfersRepo {
  /** Append to the end of the queue (position = max + 1), `queued` unless told otherwise. */
  insert(input: NewTransfer): TransferRow
  get(id: number): TransferRow | undefined
  /** In queue order. */
  list(): TransferRow[]
  listByState(states: readonly TransferState[]): TransferRow[]
  /**
   * The first `limit` queued transfers in queue order, among `ids` when given and only those `accept` takes (the
   * ones the schedule lets run): what the scheduler runs next.
   */
  nextQueued(limit: number, ids?: ReadonlySet<number>, accept?: (row: TransferRow) => boolean): TransferRow[]
  /** Set only the keys given (undefined ones are skipped, null clears) and `updatedAt`; throws for an unknown id. */
  update(id: number, patch: TransferPatch): TransferRow
  remove(id: number): boolean
  /**
   * The newest unfinished (not completed, not canceled) transfer of `url` into `dir` (named `name`, if given).
   * A `user:password@` in `url` is ignored: the same URL with other credentials is the same download.
   */
  findResumable(url: string, dir: string, name: string | null): TransferRow | undefined
  /** The newest completed transfer of `url` into `dir` (named `name`, if given); userinfo ignored likewise. */
  findCompleted(url: string, dir: string, name: string | null): TransferRow | undefined
  /** Whether a transfer already holds this target path, i.e. whether setting it would break uniqueness. */
  isTargetTaken(path: string): boolean
  /**
   * Move `ids` to the front of the queue in the given order; the rest follow in their current order. Returns
   * every transfer whose position changed, which is more than `ids` when others shift down to make room.
   */
  reorder(ids: readonly number[]): number[]
  count(): number
  /** The rows of `ids` that exist, by id, read in one statement whatever their number. */
  getMany(ids: Iterable<number>): Map<number, TransferRow>
  /**
   * What findResumable gives, or when there is none what findCompleted gives, in one statement: the add path
   * asks both for every URL it is given.
   */
  findExisting(url: string, dir: string, name: string | null): TransferRow | undefined
}

const FIND = `SELECT * FROM transfers WHERE url = :url AND dir = :dir AND (:name IS NULL OR name = :name)`

/**
 * `ownsTable`: no other process writes the table while the repo lives (the writer holding the state folder's
 * lock), so what it keeps of the table stays true as long as it sees every write, and `onRollback` tells it when
 * a rollback undid some.
 */
export interface TransfersRepoOptions {
  ownsTable?: boolean
  onRollback?: (hook: () => void) => void
  /** The group commit's hooks, for updates held back until it commits (see staged-updates.ts). */
  staging?: Staging
}

export function transfersRepo(
  db: Preparer,
  now: () => number,
  transaction: Transaction,
  opts: TransfersRepoOptions = {},
): TransfersRepo {
  const s = {
    insert: db.prepare(`
      INSERT INTO transfers (url, dir, name, target_path, state, split, checksum, limit_rate, connection, position,
                             created_at, updated_at, signature)
      VALUES (:url, :dir, :name, :targetPath, :state, :split, :checksum, :limitRate, :connection,
              (SELECT COALESCE(MAX(position), 0) + 1 FROM transfers), :now, :now, :signature)
      RETURNING *`),
    get: db.prepare('SELECT * FROM transfers WHERE id = ?'),
    list: db.prepare('SELECT * FROM transfers ORDER BY position, id'),
    // One statement for any set of states: the list goes in as a JSON array.
    listByState: db.prepare(
      'SELECT * FROM transfers WHERE state IN (SELECT value FROM json_each(?)) ORDER BY position, id',
    ),
    // Walks the (state, position, id) index in order; the caller stops once it has enough.
    nextQueued: db.prepare(`SELECT * FROM transfers WHERE state = 'queued' ORDER BY position, id`),
    // The same walk over the index alone, for the writer that keeps its rows (see nextQueued).
    nextQueuedIds: db.prepare(`SELECT id FROM transfers WHERE state = 'queued' ORDER BY position, id`),
    remove: db.prepare('DELETE FROM transfers WHERE id = ?'),
    findResumable: db.prepare(`${FIND} AND state NOT IN ('completed', 'canceled') ORDER BY id DESC LIMIT 1`),
    findCompleted: db.prepare(`${FIND} AND state = 'completed' ORDER BY id DESC LIMIT 1`),
    targetTaken: db.prepare('SELECT 1 FROM transfers WHERE target_path = ? LIMIT 1'),
    positions: db.prepare('SELECT id, position FROM transfers ORDER BY position, id'),
    setPosition: db.prepare('UPDATE transfers SET position = ? WHERE id = ?'),
    count: db.prepare('SELECT COUNT(*) AS n FROM transfers'),
    setPriority: db.prepare('UPDATE transfers SET priority = ? WHERE id = ? RETURNING *'),
    // The ids go in as a JSON array, so any number of them is one statement (one plan, one step per row).
    targets: db.prepare('SELECT id, target_path FROM transfers WHERE target_path IS NOT NULL'),
    getMany: db.prepare('SELECT * FROM transfers WHERE id IN (SELECT value FROM json_each(?))'),
    // Unfinished ones sort before completed ones (false < true), each newest first; canceled ones are never found.
    findExisting: db.prepare(`${FIND} AND state != 'canceled' ORDER BY state = 'completed', id DESC LIMIT 1`),
  }
  const claims = new TargetClaims(function* () {
    for (const r of s.targets.iterate()) yield { id: Number(r['id']), path: r['target_path'] as string }
  })
  const ahead = new QueuedAhead()
  const known = opts.ownsTable ? new KnownRows() : undefined
  opts.onRollback?.(() => {
    claims.forget()
    ahead.forget()
    known?.forget()
  })
  const rows = rowUpdates(db, { now, known, ahead, staging: opts.ownsTable ? opts.staging : undefined })
  /** Before any statement that reads the table: what is staged is written first, so that it reads the truth. */
  const flushStaged = rows.flushStaged
  const read = (id: number): TransferRow | undefined => {
    flushStaged()
    const row = maybeRow(s.get.get(id))
    if (row) known?.set(row)
    return row
  }

  return {
    insert(input) {
      const params = {
        url: input.url,
        dir: input.dir,
        name: input.name ?? null,
        targetPath: input.targetPath ?? null,
        state: input.state ?? 'queued',
        split: input.split ?? 1,
        checksum: input.checksum ?? null,
        limitRate: input.limitRate ?? null,
        connection: input.connection ?? null,
        now: now(),
        signature: input.signature ?? null,
      }
      flushStaged()
      const row = guardTarget(input.targetPath, () => s.insert.get(params))
      if (!row) throw new Error('transfers.insert: INSERT … RETURNING gave no row')
      const inserted = toRow(row)
      claims.set(inserted.id, inserted.targetPath)
      // The column's default is `normal`: only another priority costs a second statement.
      const final =
        !input.priority || input.priority === inserted.priority
          ? inserted
          : toRow(s.setPriority.get(input.priority, inserted.id) ?? row)
      ahead.inserted(final)
      known?.set(final)
      return final
    },
    get: (id) => known?.get(id) ?? read(id),
    list: () => (flushStaged(), s.list.all().map(toRow)),
    listByState: (states) => (flushStaged(), s.listByState.all(JSON.stringify(states)).map(toRow)),
    nextQueued(limit, ids, accept) {
      // The scope is filtered here rather than in SQL: an `IN (json_each(...))` list is rebuilt on every call,
      // which with a 1000-URL list made each scheduling step cost as much as the whole list.
      const next: TransferRow[] = []
      // An empty scope (a CLI adding its list before it starts any) would otherwise walk every queued row.
      if (limit <= 0 || ids?.size === 0) return next
      if (!opts.ownsTable) {
        for (const r of s.nextQueued.iterate()) {
          if (ids !== undefined && !ids.has(Number(r['id']))) continue
          const row = toRow(r)
          if (accept && !accept(row)) continue
          next.push(row)
          if (next.length >= limit) break
        }
        return next
      }
      const kept = ahead.take(limit, ids, accept)
      if (kept) return kept
      flushStaged()
      // The walk goes on past the rows wanted to keep the queue's first QUEUED_AHEAD for the next calls. It reads
      // ids from the queue's index only: the rows themselves are mostly kept already (each costs more to read
      // and convert than the rest of the walk).
      const first: TransferRow[] = []
      let walked = 0
      let ended = true
      for (const r of s.nextQueuedIds.iterate()) {
        walked++
        const id = Number(r['id'])
        const wanted = next.length < limit && (ids === undefined || ids.has(id))
        if (!wanted && first.length >= QUEUED_AHEAD) {
          if (next.length < limit) continue
          ended = false
          break
        }
        const row = known?.get(id) ?? read(id)
        if (!row) continue
        if (first.length < QUEUED_AHEAD) first.push(row)
        if (wanted && (!accept || accept(row))) next.push({ ...row })
        if (next.length >= limit && first.length >= QUEUED_AHEAD) {
          ended = false
          break
        }
      }
      ahead.fill(first, ended && walked === first.length)
      return next
    },
    update(id, patch) {
      const updated = rows.update(id, patch)
      if (patch.targetPath !== undefined) claims.set(id, updated.targetPath)
      return updated
    },
    remove(id) {
      rows.drop(id)
      const removed = s.remove.run(id).changes > 0
      claims.set(id, null)
      known?.delete(id)
      ahead.removed(id)
      return removed
    },
    findResumable: (url, dir, name) => (flushStaged(), maybeRow(s.findResumable.get({ url: stored(url), dir, name }))),
    findCompleted: (url, dir, name) => (flushStaged(), maybeRow(s.findCompleted.get({ url: stored(url), dir, name }))),
    isTargetTaken: (path) => (opts.ownsTable ? claims.has(path) : s.targetTaken.get(path) !== undefined),
    reorder(ids) {
      ahead.forget()
      known?.forget()
      return transaction(() => {
        const was = new Map(s.positions.all().map((r) => [Number(r['id']), Number(r['position'])]))
        const all = [...was.keys()]
        const front = [...new Set(ids)].filter((id) => was.has(id))
        const moved = new Set(front)
        const order = [...front, ...all.filter((id) => !moved.has(id))]
        const changed: number[] = []
        order.forEach((id, i) => {
          if (was.get(id) === i + 1) return
          s.setPosition.run(i + 1, id)
          changed.push(id)
        })
        return changed
      })
    },
    count: () => Number(s.count.get()?.['n'] ?? 0),
    getMany(ids) {
      const rows = new Map<number, TransferRow>()
      const missing: number[] = []
      for (const id of ids) {
        const row = known?.get(id)
        if (row) rows.set(id, row)
        else missing.push(id)
      }
      if (missing.length === 0) return rows
      flushStaged()
      for (const r of s.getMany.iterate(JSON.stringify(missing))) {
        const row = toRow(r)
        rows.set(row.id, row)
        known?.set(row)
      }
      return rows
    },
    findExisting: (url, dir, name) => (flushStaged(), maybeRow(s.findExisting.get({ url: stored(url), dir, name }))),
  }
}

/** A URL as the transfers table holds it: without userinfo, which is kept sealed apart (secrets-repo.ts). */
function stored(url: string): string {
  try {
    return splitCredentials(url).url
  } catch {
    return url
  }
}
