import type { SQLInputValue, SQLOutputValue } from 'node:sqlite'

import type { TransferState } from '../../shared/domain.ts'
import type { ErrorCode } from '../../shared/errors.ts'
import type { Priority } from '../../shared/priority.ts'

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

/** camelCase key → column, for every key update() may set. `satisfies` keeps it complete as TransferRow grows. */
export const COLUMNS = {
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

/** Booleans go in as 0/1 explicitly: not every node:sqlite version binds them. */
export function toSql(v: TransferPatch[keyof TransferPatch]): SQLInputValue {
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

export function maybeRow(r: Record<string, SQLOutputValue> | undefined): TransferRow | undefined {
  return r === undefined ? undefined : toRow(r)
}

export function toRow(raw: Record<string, SQLOutputValue> | Row): TransferRow {
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
