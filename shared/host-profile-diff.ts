import { z } from 'zod'

import { HostRule } from './domain.ts'
import { ruleKey } from './host-profile.ts'

/**
 * A stored rule and, when a profile gave it, that profile's name and the rule as the profile gave it (absent
 * when the stored copy no longer parses: then the rule counts as edited, and is never replaced on the strength
 * of a copy this version cannot read).
 */
export interface LocalRule {
  readonly rule: HostRule
  readonly origin?: { readonly profile: string; readonly profileRule?: HostRule | undefined } | undefined
}

export const RuleChange = z.strictObject({ key: z.string(), before: HostRule, after: HostRule })

/**
 * A rule where the user's copy and the profile's disagree: a local edit of a profile rule that the profile has
 * since changed (or dropped: `profile` null), or a rule of the user's own for a host the profile also covers.
 * The local rule is kept unless the user takes the profile's.
 */
export const RuleConflict = z.strictObject({
  key: z.string(),
  local: HostRule,
  profile: HostRule.nullable(),
})

/** What importing a profile would do to the stored rules. */
export const ProfileDiff = z.strictObject({
  added: z.array(HostRule),
  changed: z.array(RuleChange),
  removed: z.array(HostRule),
  conflicts: z.array(RuleConflict),
  /** Locally edited rules the profile did not change: kept as edited, nothing to decide. */
  keptLocal: z.array(z.string()),
  unchanged: z.number().int(),
})
export type ProfileDiff = z.output<typeof ProfileDiff>

/**
 * Compare a profile's rules with the stored ones.
 *
 * A stored rule from this profile that still equals what the profile gave is the profile's to change or remove.
 * One that was edited since is the user's: a profile that changes it again is a conflict (the edit wins unless
 * the user chooses otherwise), one that leaves it alone keeps the edit silently. Rules of the user's own, or of
 * another profile, are never changed without a decision.
 */
export function diffProfile(
  profileName: string,
  incoming: readonly HostRule[],
  local: readonly LocalRule[],
): ProfileDiff {
  const diff: ProfileDiff = { added: [], changed: [], removed: [], conflicts: [], keptLocal: [], unchanged: 0 }
  const byKey = new Map(local.map((l) => [ruleKey(l.rule), l]))
  const seen = new Set<string>()
  for (const rule of incoming) {
    const key = ruleKey(rule)
    seen.add(key)
    const mine = byKey.get(key)
    if (!mine) {
      diff.added.push(rule)
    } else if (sameRule(mine.rule, rule)) {
      diff.unchanged++
    } else if (mine.origin?.profile !== profileName) {
      diff.conflicts.push({ key, local: mine.rule, profile: rule })
    } else if (!edited(mine)) {
      diff.changed.push({ key, before: mine.rule, after: rule })
    } else if (mine.origin.profileRule && sameRule(mine.origin.profileRule, rule)) {
      diff.keptLocal.push(key)
    } else {
      diff.conflicts.push({ key, local: mine.rule, profile: rule })
    }
  }
  for (const mine of local) {
    const key = ruleKey(mine.rule)
    if (seen.has(key) || mine.origin?.profile !== profileName) continue
    if (!edited(mine)) diff.removed.push(mine.rule)
    else diff.conflicts.push({ key, local: mine.rule, profile: null })
  }
  return diff
}

/** A profile's rule the user changed since the profile gave it. */
function edited(mine: LocalRule): boolean {
  const given = mine.origin?.profileRule
  return given === undefined || !sameRule(mine.rule, given)
}

/** Two rules are the same when they parse to the same fields; defaults and key order do not count. */
export function sameRule(a: HostRule, b: HostRule): boolean {
  return canonical(a) === canonical(b)
}

function canonical(rule: HostRule): string {
  const parsed = HostRule.parse(rule) as Record<string, unknown>
  return JSON.stringify(Object.fromEntries(Object.entries(parsed).sort(([x], [y]) => (x < y ? -1 : 1))))
}
