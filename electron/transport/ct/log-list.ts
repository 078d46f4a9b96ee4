import { createHash, createPublicKey, verify, type KeyObject } from 'node:crypto'

import { z } from 'zod'

/** Lists older than this no longer decide anything: logs added or retired since are unknown to them. */
export const LOG_LIST_MAX_AGE_MS = 70 * 24 * 60 * 60 * 1000

const Stamp = z.object({ timestamp: z.string() })
const LogJson = z.object({
  description: z.string().max(1000).optional(),
  log_id: z.string().max(100),
  key: z.string().max(10_000),
  state: z
    .object({
      pending: Stamp.optional(),
      qualified: Stamp.optional(),
      usable: Stamp.optional(),
      readonly: Stamp.optional(),
      retired: Stamp.optional(),
      rejected: Stamp.optional(),
    })
    .optional(),
})
const OperatorJson = z.object({
  name: z.string().max(1000),
  logs: z.array(LogJson).max(4096).default([]),
  /** Logs serving the static CT API; they issue SCTs the same way. */
  tiled_logs: z.array(LogJson).max(4096).default([]),
})
/** The v3 log list (https://www.gstatic.com/ct/log_list/v3/log_list_schema.json), the fields used here. */
const LogListJson = z.object({
  version: z.string().max(100).optional(),
  log_list_timestamp: z.string().max(100),
  operators: z.array(OperatorJson).max(1024),
})

export type LogState = 'pending' | 'qualified' | 'usable' | 'readonly' | 'retired' | 'rejected'

export interface CtLog {
  /** base64 SHA-256 of the key, as SCTs name their log. */
  id: string
  name: string
  operator: string
  key: KeyObject
  state: LogState | undefined
  /** When the log entered its state (ms); for a retired log, SCTs after it do not count. */
  stateSince: number | undefined
}

export interface LogList {
  version: string | undefined
  /** When the publisher made the list: its age decides whether it is stale. */
  timestamp: Date
  logs: Map<string, CtLog>
  operators: number
}

export class LogListError extends Error {
  override name = 'LogListError'
}

/** Parse a v3 log list; a log whose key does not parse is left out rather than failing the whole list. */
export function parseLogList(json: Buffer | string): LogList {
  let raw: unknown
  try {
    raw = JSON.parse(typeof json === 'string' ? json : json.toString('utf8'))
  } catch (err) {
    throw new LogListError(`the log list is not JSON: ${(err as Error).message}`)
  }
  const parsed = LogListJson.safeParse(raw)
  if (!parsed.success) {
    const issue = parsed.error.issues[0]
    throw new LogListError(`the log list is not a v3 list: ${issue?.path.join('.')}: ${issue?.message}`)
  }
  const timestamp = new Date(parsed.data.log_list_timestamp)
  if (Number.isNaN(timestamp.getTime())) throw new LogListError('the log list has no valid log_list_timestamp')
  const logs = new Map<string, CtLog>()
  for (const op of parsed.data.operators) {
    for (const log of [...op.logs, ...op.tiled_logs]) {
      let key: KeyObject
      let der: Buffer
      try {
        der = Buffer.from(log.key, 'base64')
        key = createPublicKey({ key: der, format: 'der', type: 'spki' })
      } catch {
        continue
      }
      // The id is computed from the key, never taken from the list: an SCT names the key that signed it.
      const id = createHash('sha256').update(der).digest('base64')
      const [state, since] = stateOf(log.state)
      logs.set(id, { id, name: log.description ?? id, operator: op.name, key, state, stateSince: since })
    }
  }
  return { version: parsed.data.version, timestamp, logs, operators: parsed.data.operators.length }
}

function stateOf(state: z.output<typeof LogJson>['state']): [LogState | undefined, number | undefined] {
  if (!state) return [undefined, undefined]
  const entry = Object.entries(state).find(([, v]) => v !== undefined) as [LogState, { timestamp: string }] | undefined
  if (!entry) return [undefined, undefined]
  const since = Date.parse(entry[1].timestamp)
  return [entry[0], Number.isNaN(since) ? undefined : since]
}

/** Whether `signature` is the publisher's signature (RSA or ECDSA with SHA-256) over exactly these bytes. */
export function logListSignatureValid(json: Buffer, signature: Buffer, publicKeyPem: string): boolean {
  let key: KeyObject
  try {
    key = createPublicKey(publicKeyPem)
  } catch (err) {
    throw new LogListError(`the log list's public key does not parse: ${(err as Error).message}`)
  }
  try {
    return verify('sha256', json, key, signature)
  } catch {
    return false
  }
}
