import type { DatabaseSync } from 'node:sqlite'

import { redactUrlsIn } from '../../shared/redact-url.ts'

/**
 * Remove link secrets from what an older pinpoint stored as text for people: the transfers' error messages, the
 * event log and the connection history (whose records held the full URL and DoH server). The transfers' own URLs
 * stay whole, since the downloads need them. Only rows that name a URL are read, and only changed ones written.
 */
export function redactStoredHistory(db: DatabaseSync): void {
  const errors = db.prepare(`SELECT id, error_message AS text FROM transfers WHERE error_message LIKE '%://%'`)
  const setError = db.prepare('UPDATE transfers SET error_message = ? WHERE id = ?')
  for (const r of errors.all()) rewrite(r, redactUrlsIn, setError)

  const events = db.prepare(`SELECT id, message AS text FROM events WHERE message LIKE '%://%'`)
  const setEvent = db.prepare('UPDATE events SET message = ? WHERE id = ?')
  for (const r of events.all()) rewrite(r, redactUrlsIn, setEvent)

  const connections = db.prepare(`SELECT id, info AS text FROM connections WHERE info LIKE '%://%'`)
  const setInfo = db.prepare('UPDATE connections SET info = ? WHERE id = ?')
  for (const r of connections.all()) rewrite(r, redactJson, setInfo)
}

function rewrite(
  row: Record<string, unknown>,
  redact: (text: string) => string,
  update: ReturnType<DatabaseSync['prepare']>,
): void {
  const text = row['text'] as string
  const next = redact(text)
  if (next !== text) update.run(next, row['id'] as number)
}

/**
 * Every string in a stored JSON record, redacted value by value (never the JSON text as a whole, where an escape
 * inside a URL could be cut). A record that no longer parses is left alone: the history skips it anyway.
 */
function redactJson(text: string): string {
  let parsed: unknown
  try {
    parsed = JSON.parse(text)
  } catch {
    return text
  }
  return JSON.stringify(walk(parsed))
}

function walk(value: unknown): unknown {
  if (typeof value === 'string') return redactUrlsIn(value)
  if (Array.isArray(value)) return value.map(walk)
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, walk(v)]))
  }
  return value
}
