import type { Preparer } from './turn-commit.ts'

import { HostPattern, HostRule } from '../../shared/domain.ts'

/** A stored rule that the current HostRule schema rejects. */
export interface InvalidHostRule {
  pattern: string
  /** 0 = every port. */
  port: number
  error: string
}

export interface HostRulesRepo {
  /**
   * Every rule that parses, by pattern then port.
   *
   * A row that no longer parses (written by another version, or edited by hand) is skipped and reported to
   * `onInvalid`, not thrown: one bad rule must not stop every download. It stays in the table, so a version
   * that understands it still finds it. Skipping a pin rule weakens that host's checks, which is why callers
   * should surface `onInvalid` to the user.
   */
  list(onInvalid?: (row: InvalidHostRule) => void): HostRule[]
  /** Add the rule, or replace the one with the same pattern and port. It is parsed first: list() reads it back. */
  upsert(rule: HostRule): HostRule
  /** Remove the rule for `pattern` and `port` (absent = the every-port rule). */
  remove(pattern: string, port?: number): boolean
}

export function hostRulesRepo(db: Preparer): HostRulesRepo {
  const s = {
    list: db.prepare('SELECT pattern, port, rule FROM host_rules ORDER BY pattern, port'),
    upsert: db.prepare(
      'INSERT INTO host_rules (pattern, port, rule) VALUES (?, ?, ?) ON CONFLICT (pattern, port) DO UPDATE SET rule = excluded.rule',
    ),
    remove: db.prepare('DELETE FROM host_rules WHERE pattern = ? AND port = ?'),
  }
  // The rules as last read. The transport asks for them at every connection (a list of small files asks
  // thousands of times), and only this connection writes them: the state folder's lock keeps other writers out.
  let cached: { rules: HostRule[]; invalid: InvalidHostRule[] } | undefined
  const read = () => {
    if (cached) return cached
    const rules: HostRule[] = []
    const invalid: InvalidHostRule[] = []
    for (const row of s.list.all()) {
      const parsed = parseRule(row['rule'] as string)
      if (parsed.success) rules.push(parsed.data)
      else invalid.push({ pattern: row['pattern'] as string, port: row['port'] as number, error: parsed.error })
    }
    cached = { rules, invalid }
    return cached
  }
  return {
    list(onInvalid) {
      const { rules, invalid } = read()
      if (onInvalid) for (const bad of invalid) onInvalid(bad)
      return [...rules]
    },
    upsert(input) {
      const rule = HostRule.parse(input)
      cached = undefined
      s.upsert.run(rule.pattern, rule.port ?? 0, JSON.stringify(rule))
      return rule
    },
    remove(pattern, port = 0) {
      // Stored patterns are normalized (lower case, no trailing dot); look the argument up the same way.
      const normalized = HostPattern.safeParse(pattern)
      cached = undefined
      return s.remove.run(normalized.success ? normalized.data : pattern, port).changes > 0
    },
  }
}

function parseRule(json: string): { success: true; data: HostRule } | { success: false; error: string } {
  let raw: unknown
  try {
    raw = JSON.parse(json)
  } catch (err) {
    return { success: false, error: `not JSON: ${(err as Error).message}` }
  }
  const parsed = HostRule.safeParse(raw)
  return parsed.success ? parsed : { success: false, error: parsed.error.message }
}
