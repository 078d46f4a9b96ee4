import type { HostRule } from '../../shared/domain.ts'

const NEEDS_NORMALIZING = /[^a-z0-9.:*_-]|\.$/

/** A URL's host as rules see it: lower case, no IPv6 brackets, no trailing dot. */
export function normalizeHost(host: string): string {
  // Asked several times for every request: a host already in that form is returned as it is.
  if (!NEEDS_NORMALIZING.test(host)) return host
  return host
    .toLowerCase()
    .replace(/^\[(.*)\]$/, '$1')
    .replace(/\.$/, '')
}

/**
 * The rule for `host:port`, or undefined.
 *
 * An exact pattern beats a wildcard, a longer wildcard beats a shorter one, and a rule for this port beats one
 * for every port, so `--resolve a.example.com:443:…` wins over a `*.example.com` pin rule for the addresses it
 * gives. `*.example.com` covers example.com itself and every name below it.
 */
export function findRule(rules: readonly HostRule[], host: string, port: number): HostRule | undefined {
  const name = normalizeHost(host)
  let best: HostRule | undefined
  let bestScore = -1
  for (const rule of rules) {
    if (rule.port !== undefined && rule.port !== port) continue
    const specificity = matchSpecificity(rule.pattern, name)
    if (specificity < 0) continue
    const score = specificity * 2 + (rule.port === undefined ? 0 : 1)
    if (score > bestScore) {
      best = rule
      bestScore = score
    }
  }
  return best
}

/** -1 for no match; otherwise higher is more specific (exact matches score above every wildcard). */
function matchSpecificity(pattern: string, name: string): number {
  if (pattern === name) return 1000
  if (!pattern.startsWith('*.')) return -1
  const base = pattern.slice(2)
  return name === base || name.endsWith(`.${base}`) ? base.length : -1
}
