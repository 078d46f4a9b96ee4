import type { Preparer } from './turn-commit.ts'
import { openProxySetting, PROXY_SETTING_KEY, sealProxySetting } from './proxy-password-seal.ts'
import type { SecretKeys } from './secret-key.ts'

/**
 * Settings as key → JSON value. The store does not know their shape: the caller parses them with its schema,
 * so a setting written by another version is its problem to accept or default. The one secret among them, a
 * manual proxy's password, is sealed on the way in and opened on the way out (given the state folder's keys).
 */
export interface SettingsRepo {
  /** undefined when the key is absent, or when its stored value is not JSON (hand-edited); never throws. */
  get<T = unknown>(key: string): T | undefined
  /** Store `value` as JSON; `undefined` removes the key. */
  set(key: string, value: unknown): void
  /** Every setting whose value parses. */
  all(): Record<string, unknown>
}

export function settingsRepo(db: Preparer, keys?: SecretKeys): SettingsRepo {
  const opened = (key: string, value: unknown) =>
    keys && key === PROXY_SETTING_KEY ? openProxySetting(value, keys) : value
  const s = {
    get: db.prepare('SELECT value FROM settings WHERE key = ?'),
    set: db.prepare(
      'INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value',
    ),
    remove: db.prepare('DELETE FROM settings WHERE key = ?'),
    all: db.prepare('SELECT key, value FROM settings ORDER BY key'),
  }
  // Each key's stored text as last read (null: absent). The transport asks for the proxy setting at every
  // request (a list of small files asks thousands of times), and only this connection writes settings: the state
  // folder's lock keeps other writers out. The text, not the parsed value, is kept, so every caller still gets a
  // value of its own to change.
  const cached = new Map<string, string | null>()
  return {
    get<T>(key: string): T | undefined {
      let text = cached.get(key)
      if (text === undefined) {
        const row = s.get.get(key)
        text = row === undefined ? null : (row['value'] as string)
        cached.set(key, text)
      }
      return text === null ? undefined : (opened(key, parse(text)) as T | undefined)
    },
    set(key, value) {
      cached.delete(key)
      const json = JSON.stringify(keys && key === PROXY_SETTING_KEY ? sealProxySetting(value, keys) : value)
      // JSON.stringify gives undefined for undefined (and functions): nothing to store, so the key goes.
      if (json === undefined) s.remove.run(key)
      else s.set.run(key, json)
    },
    all() {
      // fromEntries defines own properties, so a key named "__proto__" stays data instead of a prototype.
      return Object.fromEntries(
        s.all
          .all()
          .map((row) => [row['key'] as string, opened(row['key'] as string, parse(row['value'] as string))] as const)
          .filter(([, value]) => value !== undefined),
      )
    },
  }
}

function parse(json: string): unknown {
  try {
    return JSON.parse(json) as unknown
  } catch {
    return undefined
  }
}
