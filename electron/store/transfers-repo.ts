import type { SQLInputValue, SQLOutputValue, StatementSync } from 'node:sqlite'

import type { Preparer } from './turn-commit.ts'

import type { TransferState } from '../../shared/domain.ts'
import type { Priority } from '../../shared/priority.ts'
import type { ErrorCode } from '../../shared/errors.ts'
import { PinpointError } from '../../shared/pinpoint-error.ts'
import { splitCredentials } from '../../shared/url-credentials.ts'
import { isUniqueViolation } from './sqlite-errors.ts'
import { QUEUED_AHEAD, QueuedAhead } from './queued-ahead.ts'
import { TargetClaims } from './target-claims.ts'
import type { Transaction } from './transaction.ts'

/** One download as stored. Times are milliseconds since the epoch from the store's clock. */
export interface TransferRow {
  id: number
  url: string
  /** Where the redirects ended, when that differs from `url`. */
  finalUrl: string | null
  dir: string
  /** The file name: the user's choice, or the server's once the first response is in. */
  name: string | null
  /** The file this transfer writes (its `.part` sits next to it); unique across transfers. */
  targetPath: string | null
  /** Where the finished file went, which differs from targetPath when that name was taken at finish. */
  savedPath: string | null
  state: TransferState
  errorCode: ErrorCode | null
  errorMessage: string | null
  total: number | null
  rangeSupported: boolean
  /** The strong ETag, sent as If-Range; never a weak one, which cannot vouch for bytes across runs. */
  etag: string | null
  /** Last-Modified only when it is the strong validator: no ETag at all, and a Date a second or more later. */
  lastModified: string | null
  split: number
  checksum: string | null
  limitRate: number | null
  /** JSON of the connection set-up given with this transfer (see electron/cli/connect-options.ts), or null. */
  connection: string | null
  /** JSON of the latest connection's ConnectionSummary (shared/connection.ts), or null before the first one. */
  lastConnection: string | null
  position: number
  restarts: number
  createdAt: number
  updatedAt: number
  completedAt: number | null
  /** JSON of the SignatureRequest (shared/signature.ts) this download must satisfy, or null. */
  signature: string | null
  /** JSON of the latest SignatureResult, or null before verification. */
  signatureResult: string | null
  /** How it shares the link: `background` transfers take only what the delay-based controller allows. */
  priority: Priority
  /** Started "now anyway" by the user: no schedule window holds it until the user pauses it. */
  startedAnyway: boolean
}

export type TransferPatch = Partial<Omit<TransferRow, 'id' | 'createdAt'>>

export interface NewTransfer {
  url: string
  dir: string
  name?: string | null
  targetPath?: string | null
  split?: number
  checksum?: string | null
  limitRate?: number | null
  connection?: string | null
  state?: TransferState
  signature?: string | null
  priority?: Priority
}

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

/** camelCase key → column, for every key update() may set. `satisfies` keeps it complete as TransferRow grows. */
const COLUMNS = {
  url: 'url',
  finalUrl: 'final_url',
  dir: 'dir',
  name: 'name',
  targetPath: 'target_path',
  savedPath: 'saved_path',
  state: 'state',
  errorCode: 'error_code',
  errorMessage: 'error_message',
  total: 'total',
  rangeSupported: 'range_supported',
  etag: 'etag',
  lastModified: 'last_modified',
  split: 'split',
  checksum: 'checksum',
  limitRate: 'limit_rate',
  connection: 'connection',
  lastConnection: 'last_connection',
  position: 'position',
  restarts: 'restarts',
  updatedAt: 'updated_at',
  completedAt: 'completed_at',
  signature: 'signature',
  signatureResult: 'signature_result',
  priority: 'priority',
  startedAnyway: 'started_anyway',
} as const satisfies Record<keyof TransferPatch, string>

const FIND = `SELECT * FROM transfers WHERE url = :url AND dir = :dir AND (:name IS NULL OR name = :name)`

/**
 * `ownsTable`: no other process writes the table while the repo lives (the writer holding the state folder's
 * lock), so what it keeps of the table stays true as long as it sees every write, and `onRollback` tells it when
 * a rollback undid some.
 */
export interface TransfersRepoOptions {
  ownsTable?: boolean
  onRollback?: (hook: () => void) => void
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
  // update() sets whichever keys it is given; one statement per key set, and code uses only a handful.
  const updates = new Map<string, StatementSync>()
  const claims = new TargetClaims(function* () {
    for (const r of s.targets.iterate()) yield { id: Number(r['id']), path: r['target_path'] as string }
  })
  const ahead = new QueuedAhead()
  opts.onRollback?.(() => {
    claims.forget()
    ahead.forget()
  })

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
      return final
    },
    get: (id) => maybeRow(s.get.get(id)),
    list: () => s.list.all().map(toRow),
    listByState: (states) => s.listByState.all(JSON.stringify(states)).map(toRow),
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
      // The walk goes on past the rows wanted to keep the queue's first QUEUED_AHEAD for the next calls.
      const first: TransferRow[] = []
      let walked = 0
      let ended = true
      for (const r of s.nextQueued.iterate()) {
        walked++
        const row = first.length < QUEUED_AHEAD ? toRow(r) : undefined
        if (row) first.push(row)
        if (next.length < limit && (ids === undefined || ids.has(Number(r['id'])))) {
          const candidate = row ?? toRow(r)
          if (!accept || accept(candidate)) next.push(row ? { ...row } : candidate)
        }
        if (next.length >= limit && first.length >= QUEUED_AHEAD) {
          ended = false
          break
        }
      }
      ahead.fill(first, ended && walked === first.length)
      return next
    },
    update(id, patch) {
      const keys = (Object.keys(patch) as Array<keyof TransferPatch>).filter((k) => patch[k] !== undefined)
      for (const k of keys) if (!Object.hasOwn(COLUMNS, k)) throw new TypeError(`transfers.update: unknown key ${k}`)
      if (!keys.includes('updatedAt')) keys.push('updatedAt')
      const sql = `UPDATE transfers SET ${keys.map((k) => `${COLUMNS[k]} = ?`).join(', ')} WHERE id = ? RETURNING *`
      let stmt = updates.get(sql)
      if (!stmt) updates.set(sql, (stmt = db.prepare(sql)))
      const values = keys.map((k) => (k === 'updatedAt' ? (patch.updatedAt ?? now()) : toSql(patch[k])))
      const row = guardTarget(patch.targetPath, () => (stmt as StatementSync).get(...values, id))
      if (!row) throw new Error(`transfers.update: no transfer ${id}`)
      const updated = toRow(row)
      if (patch.targetPath !== undefined) claims.set(id, updated.targetPath)
      ahead.updated(updated, patch)
      return updated
    },
    remove(id) {
      const removed = s.remove.run(id).changes > 0
      claims.set(id, null)
      ahead.removed(id)
      return removed
    },
    findResumable: (url, dir, name) => maybeRow(s.findResumable.get({ url: stored(url), dir, name })),
    findCompleted: (url, dir, name) => maybeRow(s.findCompleted.get({ url: stored(url), dir, name })),
    isTargetTaken: (path) => (opts.ownsTable ? claims.has(path) : s.targetTaken.get(path) !== undefined),
    reorder(ids) {
      ahead.forget()
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
      const list = [...ids]
      if (list.length === 0) return rows
      for (const r of s.getMany.iterate(JSON.stringify(list))) rows.set(Number(r['id']), toRow(r))
      return rows
    },
    findExisting: (url, dir, name) => maybeRow(s.findExisting.get({ url: stored(url), dir, name })),
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

/** The `cause` of the FILE_ERROR thrown when another transfer already claims a target path. */
export const TARGET_TAKEN = 'TARGET_TAKEN'

/** The UNIQUE constraint is the backstop for a race on one name; say which file, as data the CLI can show. */
function guardTarget<T>(targetPath: string | null | undefined, run: () => T): T {
  try {
    return run()
  } catch (err) {
    if (targetPath && isUniqueViolation(err, 'transfers.target_path')) {
      throw new PinpointError('FILE_ERROR', `another download already writes ${targetPath}`, { cause: TARGET_TAKEN })
    }
    throw err
  }
}

/** Booleans go in as 0/1 explicitly: not every node:sqlite version binds them. */
function toSql(v: TransferPatch[keyof TransferPatch]): SQLInputValue {
  if (typeof v === 'boolean') return v ? 1 : 0
  return v ?? null
}

/** A row as SQLite returns it: the schema's columns, snake_case, booleans as 0/1. */
interface Row {
  id: number
  url: string
  final_url: string | null
  dir: string
  name: string | null
  target_path: string | null
  saved_path: string | null
  state: string
  error_code: string | null
  error_message: string | null
  total: number | null
  range_supported: number
  etag: string | null
  last_modified: string | null
  split: number
  checksum: string | null
  limit_rate: number | null
  connection: string | null
  last_connection: string | null
  position: number
  restarts: number
  created_at: number
  updated_at: number
  completed_at: number | null
  signature: string | null
  signature_result: string | null
  priority: string
  started_anyway?: number
}

function maybeRow(r: Record<string, SQLOutputValue> | undefined): TransferRow | undefined {
  return r === undefined ? undefined : toRow(r)
}

function toRow(raw: Record<string, SQLOutputValue> | Row): TransferRow {
  const r = raw as Row
  return {
    id: r.id,
    url: r.url,
    finalUrl: r.final_url,
    dir: r.dir,
    name: r.name,
    targetPath: r.target_path,
    savedPath: r.saved_path,
    state: r.state as TransferState,
    errorCode: r.error_code as ErrorCode | null,
    errorMessage: r.error_message,
    total: r.total,
    rangeSupported: r.range_supported !== 0,
    etag: r.etag,
    lastModified: r.last_modified,
    split: r.split,
    checksum: r.checksum,
    limitRate: r.limit_rate,
    connection: r.connection,
    lastConnection: r.last_connection,
    position: r.position,
    restarts: r.restarts,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
    completedAt: r.completed_at,
    signature: r.signature ?? null,
    signatureResult: r.signature_result ?? null,
    priority: r.priority === 'background' ? 'background' : 'normal',
    startedAnyway: r.started_anyway === 1,
  }
}
