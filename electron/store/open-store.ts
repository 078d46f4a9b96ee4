import { chmodSync, closeSync, mkdirSync, openSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { DatabaseSync } from 'node:sqlite'

import { PinpointError, isPinpointError } from '../../shared/pinpoint-error.ts'
import { connectionsRepo, type ConnectionsRepo } from './connections-repo.ts'
import { eventsRepo, type EventsRepo } from './events-repo.ts'
import { fileOnPath, notAFolder } from './file-on-path.ts'
import { hostRulesRepo, type HostRulesRepo } from './host-rules-repo.ts'
import { nodeRankingsRepo, type NodeRankingsRepo } from './node-rankings-repo.ts'
import { profilesRepo, type ProfilesRepo } from './profiles-repo.ts'
import type { Staging } from './row-updates.ts'
import { SCHEMA_VERSION, migrate, newerSchema, schemaVersion, type MigrationContext } from './migrations.ts'
import { KEY_FILE, OS_KEY_FILE, secretKeys, type KeyWrap, type SecretKeys } from './secret-key.ts'
import { seal, secretsRepo, type SecretsRepo } from './secrets-repo.ts'
import { hostSecretsRepo, type HostSecretsRepo } from './host-secrets-repo.ts'
import { segmentsRepo, type SegmentsRepo } from './segments-repo.ts'
import { settingsRepo, type SettingsRepo } from './settings-repo.ts'
import { sealProxySetting } from './proxy-password-seal.ts'
import { isDamaged } from './sqlite-errors.ts'
import { LOCK_FILE, acquireStateLock, type StateLock } from './state-lock.ts'
import { transactionRunner, type Transaction, type TransactionLevels } from './transaction.ts'
import { transfersRepo, type TransfersRepo } from './transfers-repo.ts'
import { TurnCommit } from './turn-commit.ts'

export const DB_FILE = 'pinpoint.db'
const BUSY_TIMEOUT_MS = 5_000

export interface StoreOptions {
  /** The state folder: the database and the lock live here. Created (mode 0700) unless read-only. */
  dir: string
  /** Milliseconds since the epoch, for created/updated/event times; tests pass a fake one. */
  now?: () => number
  /** Open without the lock and never write (`pinpoint ls` while an engine runs). */
  readOnly?: boolean
  /** How the OS protects the app's credentials key (Electron's safeStorage); without it, the 0600 key file is used. */
  keyWrap?: KeyWrap | undefined
  /** At most one commit per this many milliseconds while writes keep coming (see TurnCommit); default 20. */
  commitIntervalMs?: number
}

export interface Store {
  readonly dir: string
  readonly dbPath: string
  readonly readOnly: boolean
  readonly transfers: TransfersRepo
  readonly segments: SegmentsRepo
  readonly events: EventsRepo
  /** Every connection each transfer made or refused, bounded per transfer. */
  readonly connections: ConnectionsRepo
  readonly settings: SettingsRepo
  readonly hostRules: HostRulesRepo
  /** Each host's measured nodes, best first, with their age. */
  readonly nodeRankings: NodeRankingsRepo
  /** The credentials of downloads, sealed; URLs are stored without them. */
  readonly secrets: SecretsRepo
  /** Host profiles: where profile rules came from, the trusted signing keys, installed and exported versions. */
  readonly profiles: ProfilesRepo
  /** Run `fn` atomically; calls nest (as savepoints). `fn` must be synchronous. */
  transaction: Transaction
  /** The credentials of saved host rules, sealed. */
  readonly hostSecrets: HostSecretsRepo
  /** Commit this turn's writes now rather than when the turn ends (see TurnCommit). */
  flush(): void
  /** Close the database and release the lock. Safe to call more than once. */
  close(): void
}

/**
 * Open the state folder's database, the one place transfers, segments, host rules and settings persist.
 *
 * A writer takes the folder's lock first, so one engine owns a folder at a time. Before anything is written the
 * database passes `PRAGMA integrity_check` on a read-only connection: a damaged file is reported as FILE_ERROR
 * and left byte for byte as it was (not even SQLite's checkpoint-on-close touches it), because it may be all
 * that is left of the user's queue.
 *
 * `synchronous=NORMAL` under WAL can lose the last commits on power loss, never consistency. That is safe here
 * because the engine fsyncs file data before it commits the progress that covers it: a lost commit only means
 * re-downloading bytes that are already on disk, and positional writes make that idempotent.
 *
 * Read-only mode takes no lock and creates nothing when there is nothing yet: with no database file (or one
 * whose creator has not finished its first migration), it returns an empty, read-only view backed by an
 * in-memory database with the current schema, so callers need no special case. SQLite itself may still create
 * the `-wal`/`-shm` companions of an existing WAL database; that is how a reader joins a live writer.
 */
export function openStore(opts: StoreOptions): Store {
  // Checked before anything else: a reader would otherwise show an empty queue, and a writer fail in mkdir.
  const file = fileOnPath(opts.dir)
  if (file !== undefined) throw new PinpointError('FILE_ERROR', notAFolder('the state folder', opts.dir, file))
  const dbPath = join(opts.dir, DB_FILE)
  const now = opts.now ?? Date.now
  const keys = secretKeys(opts.dir, { keyWrap: opts.keyWrap, create: !opts.readOnly })
  return opts.readOnly
    ? openReader(opts.dir, dbPath, now, keys)
    : openWriter(opts.dir, dbPath, now, keys, opts.commitIntervalMs)
}

function openWriter(
  dir: string,
  dbPath: string,
  now: () => number,
  keys: SecretKeys,
  commitIntervalMs: number | undefined,
): Store {
  try {
    mkdirSync(dir, { recursive: true, mode: 0o700 })
  } catch (err) {
    throw new PinpointError('FILE_ERROR', `cannot create the state folder ${dir}: ${(err as Error).message}`)
  }
  try {
    tighten(dir, dbPath)
  } catch (err) {
    throw new PinpointError('FILE_ERROR', `cannot make the state folder ${dir} private: ${(err as Error).message}`)
  }
  const lock = acquireStateLock(dir)
  let db: DatabaseSync | undefined
  try {
    if (hasContent(dbPath)) checkReadOnly(dbPath)
    db = new DatabaseSync(dbPath, { timeout: BUSY_TIMEOUT_MS })
    // Statement journals and sorts stay in memory: on disk they are a file in /var/tmp, outside the private state
    // folder, holding copies of database pages, and writing one cost two system calls per page for every UPDATE
    // (about half of all the store's writes on a list of small files).
    db.exec(
      'PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA foreign_keys = ON; PRAGMA temp_store = MEMORY',
    )
    const ctx: MigrationContext = {
      seal: (id, credentials) => seal(keys, id, credentials),
      sealProxySetting: (value) => sealProxySetting(value, keys),
    }
    // While migrating, the bytes of a rewritten or deleted value are zeroed rather than left in a free page or
    // cell, so a URL whose credentials were moved out is gone from the file; and the WAL, which still holds the
    // pages as they were, is copied back and emptied. Only then: afterwards no value in clear is a secret, and
    // zeroing would cost every checkpoint's writes.
    db.exec('PRAGMA secure_delete = ON')
    if (migrate(db, dbPath, SCHEMA_VERSION, ctx) > 0) db.exec('PRAGMA wal_checkpoint(TRUNCATE)')
    db.exec('PRAGMA secure_delete = OFF')
    return assemble({ db, dir, dbPath, now, readOnly: false, lock, keys, commitIntervalMs })
  } catch (err) {
    closeQuietly(db)
    lock.release()
    throw asFileError(err, dbPath)
  }
}

function openReader(dir: string, dbPath: string, now: () => number, keys: SecretKeys): Store {
  if (!hasContent(dbPath)) return emptyView(dir, dbPath, now)
  let db: DatabaseSync | undefined
  try {
    db = new DatabaseSync(dbPath, { readOnly: true, timeout: BUSY_TIMEOUT_MS })
    checkIntegrity(db, dbPath)
    db.exec('PRAGMA foreign_keys = ON')
    const version = schemaVersion(db)
    if (version === 0) {
      db.close()
      return emptyView(dir, dbPath, now)
    }
    if (version > SCHEMA_VERSION) throw newerSchema(dbPath, version)
    if (version < SCHEMA_VERSION) {
      throw new PinpointError(
        'FILE_ERROR',
        `state database ${dbPath} has schema v${version} and needs upgrading to v${SCHEMA_VERSION}; ` +
          'run any pinpoint command that downloads once',
      )
    }
    return assemble({ db, dir, dbPath, now, readOnly: true, keys })
  } catch (err) {
    closeQuietly(db)
    throw asFileError(err, dbPath)
  }
}

/**
 * The state folder holds credentials (sealed, with their key beside them) and the user's download history:
 * the folder is the owner's alone (0700) and so is every file in it (0600), also when an older pinpoint made
 * them under the usual umask. The database file is made here, empty and 0600, before SQLite opens it: SQLite
 * gives its -wal and -shm the database's mode.
 */
function tighten(dir: string, dbPath: string): void {
  chmodSync(dir, 0o700)
  closeSync(openSync(dbPath, 'a', 0o600))
  const files = [
    dbPath,
    `${dbPath}-wal`,
    `${dbPath}-shm`,
    join(dir, KEY_FILE),
    join(dir, OS_KEY_FILE),
    join(dir, LOCK_FILE),
  ]
  for (const path of files) {
    try {
      chmodSync(path, 0o600)
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err
    }
  }
}

/** The current schema in memory, then made query-only, so a read-only caller sees "no transfers" and cannot write. */
function emptyView(dir: string, dbPath: string, now: () => number): Store {
  const db = new DatabaseSync(':memory:')
  migrate(db, dbPath)
  db.exec('PRAGMA query_only = ON')
  return assemble({ db, dir, dbPath, now, readOnly: true, keys: noKeys })
}

function checkReadOnly(dbPath: string): void {
  const db = new DatabaseSync(dbPath, { readOnly: true, timeout: BUSY_TIMEOUT_MS })
  try {
    checkIntegrity(db, dbPath)
  } finally {
    db.close()
  }
}

function checkIntegrity(db: DatabaseSync, dbPath: string): void {
  const problems = db
    .prepare('PRAGMA integrity_check')
    .all()
    .map((r) => String(r['integrity_check']))
  if (problems.length === 1 && problems[0] === 'ok') return
  throw damaged(dbPath, problems.slice(0, 3).join('; '))
}

function assemble(p: {
  db: DatabaseSync
  dir: string
  dbPath: string
  now: () => number
  readOnly: boolean
  lock?: StateLock
  keys: SecretKeys
  commitIntervalMs?: number | undefined
}): Store {
  const { db, now, lock } = p
  const turn = p.readOnly
    ? undefined
    : new TurnCommit(db, p.commitIntervalMs === undefined ? {} : { intervalMs: p.commitIntervalMs })
  const writes = turn?.preparer() ?? db
  const rolledBack: Array<() => void> = []
  const onRollback = () => rolledBack.forEach((hook) => hook())
  turn?.afterRollback(onRollback)
  const levels: TransactionLevels[] = []
  const transaction = transactionRunner(db, p.readOnly ? 'BEGIN' : 'BEGIN IMMEDIATE', turn, onRollback, {
    begin: () => levels.forEach((l) => l.begin()),
    release: () => levels.forEach((l) => l.release()),
    rollback: () => levels.forEach((l) => l.rollback()),
  })
  let closed = false
  // What is held back for the group commit (staged row updates, held history rows) hooks into it through this.
  const staging: Staging | undefined = turn && {
    join: () => turn.join(),
    beforeCommit: (hook) => turn.beforeCommit(hook),
    afterTurnRollback: (hook) => turn.afterRollback(hook),
    levels: (hooks) => levels.push(hooks),
  }
  const connections = connectionsRepo(writes, now, staging)
  const events = eventsRepo(writes, now, staging)
  const transfers = transfersRepo(writes, now, transaction, {
    ownsTable: !p.readOnly,
    onRollback: (hook) => rolledBack.push(hook),
    ...(staging ? { staging } : {}),
  })
  return {
    dir: p.dir,
    dbPath: p.dbPath,
    readOnly: p.readOnly,
    transfers: {
      ...transfers,
      // A connection or event held for the commit is written first, so the cascade takes it with the transfer:
      // SQLite may give the next transfer this id, and the history must not pass to it.
      remove(id) {
        connections.flush()
        events.flush()
        return transfers.remove(id)
      },
    },
    segments: segmentsRepo(writes, transaction),
    events,
    connections,
    settings: settingsRepo(writes, p.keys),
    hostRules: hostRulesRepo(writes),
    nodeRankings: nodeRankingsRepo(writes),
    secrets: secretsRepo(writes, p.keys, { ownsTable: !p.readOnly }),
    profiles: profilesRepo(writes),
    transaction,
    hostSecrets: hostSecretsRepo(writes, p.keys),
    flush: () => turn?.flush(),
    close() {
      if (closed) return
      closed = true
      try {
        turn?.flush()
        // Cheap, and what SQLite recommends before a long-lived connection closes: keeps query plans good.
        if (!p.readOnly) db.exec('PRAGMA optimize')
      } catch {
        // Only statistics; never a reason to keep the database or the lock open.
      }
      try {
        db.close()
      } finally {
        lock?.release()
      }
    },
  }
}

/** An empty view has no credentials to open. */
const noKeys: SecretKeys = {
  sealing: 'file',
  key() {
    throw new PinpointError('FILE_ERROR', 'no credentials in an empty state folder')
  },
}

/** A zero-byte file is what an interrupted first open leaves: SQLite treats it as a new, empty database. */
function hasContent(path: string): boolean {
  try {
    return statSync(path).size > 0
  } catch {
    return false
  }
}

function damaged(dbPath: string, detail: string): PinpointError {
  return new PinpointError(
    'FILE_ERROR',
    `state database ${dbPath} is damaged: ${detail}. It was left untouched; move it aside to start a new queue`,
  )
}

function asFileError(err: unknown, dbPath: string): unknown {
  if (isPinpointError(err)) return err
  if (isDamaged(err)) return damaged(dbPath, (err as Error).message)
  return new PinpointError('FILE_ERROR', `cannot open state database ${dbPath}: ${(err as Error)?.message ?? err}`)
}

function closeQuietly(db: DatabaseSync | undefined): void {
  try {
    if (db?.isOpen) db.close()
  } catch {
    // Already failing; the first error is the one to report.
  }
}
