import type { HostRule } from '../../shared/domain.ts'
import { diffProfile, type LocalRule, type ProfileDiff } from '../../shared/host-profile-diff.ts'
import { ruleKey, type HostProfile } from '../../shared/host-profile.ts'
import type { Store } from './open-store.ts'

type ProfileStore = Pick<Store, 'hostRules' | 'profiles' | 'transaction'>

/** The stored rules with their profile origins, as diffProfile takes them. */
export function localRules(store: ProfileStore): LocalRule[] {
  const origins = new Map(
    store.profiles.origins().map((o) => [ruleKey({ pattern: o.pattern, port: o.port || undefined }), o]),
  )
  return store.hostRules.list().map((rule) => {
    const origin = origins.get(ruleKey(rule))
    if (!origin) return { rule }
    return { rule, origin: { profile: origin.profile, profileRule: origin.profileRule } }
  })
}

/** What importing `profile` would change, against the rules stored now. */
export function previewProfile(store: ProfileStore, profile: HostProfile): ProfileDiff {
  return diffProfile(profile.name, profile.rules, localRules(store))
}

/**
 * Apply a verified profile in one transaction: every rule it adds, changes and removes, the origins, and the
 * installed version, or (on any failure) none of it.
 *
 * `takeProfile` names the conflicts and kept local edits (by rule key) where the profile's rule replaces the
 * local one; every other conflict keeps the local rule. A kept local edit of a profile rule stays marked as that profile's, with the
 * profile's new copy beside it, so it still shows as changed locally; a kept rule the profile dropped becomes
 * the user's own.
 */
export function applyProfile(
  store: ProfileStore,
  profile: HostProfile,
  signer: { keyId: string },
  opts: { takeProfile?: readonly string[]; now: number },
): ProfileDiff {
  const take = new Set(opts.takeProfile ?? [])
  return store.transaction(() => {
    const diff = previewProfile(store, profile)
    const incoming = new Map(profile.rules.map((r) => [ruleKey(r), r]))
    const put = (rule: HostRule) => {
      const saved = store.hostRules.upsert(rule)
      store.profiles.setOrigin(saved.pattern, saved.port ?? 0, profile.name, profile.version, saved)
    }
    for (const rule of diff.added) put(rule)
    for (const { after } of diff.changed) put(after)
    for (const rule of diff.removed) store.hostRules.remove(rule.pattern, rule.port)
    for (const conflict of diff.conflicts) {
      const { local } = conflict
      if (take.has(conflict.key)) {
        if (conflict.profile) put(conflict.profile)
        else store.hostRules.remove(local.pattern, local.port)
      } else if (conflict.profile === null) {
        store.profiles.clearOrigin(local.pattern, local.port ?? 0)
      } else if (isFromProfile(store, local, profile.name)) {
        store.profiles.setOrigin(local.pattern, local.port ?? 0, profile.name, profile.version, conflict.profile)
      }
    }
    // Rules the profile repeats unchanged, and local edits it did not touch, now belong to this version.
    for (const key of diff.keptLocal) {
      const rule = incoming.get(key)
      if (!rule) continue
      if (take.has(key)) put(rule)
      else store.profiles.setOrigin(rule.pattern, rule.port ?? 0, profile.name, profile.version, rule)
    }
    for (const rule of profile.rules) {
      const key = ruleKey(rule)
      if (diff.keptLocal.includes(key) || diff.conflicts.some((c) => c.key === key)) continue
      if (diff.added.some((r) => ruleKey(r) === key) || diff.changed.some((c) => c.key === key)) continue
      store.profiles.setOrigin(rule.pattern, rule.port ?? 0, profile.name, profile.version, rule)
    }
    store.profiles.setInstalled(profile.name, signer.keyId, profile.version, opts.now)
    return diff
  })
}

function isFromProfile(store: ProfileStore, rule: HostRule, name: string): boolean {
  const key = ruleKey(rule)
  return store.profiles
    .origins()
    .some((o) => o.profile === name && ruleKey({ pattern: o.pattern, port: o.port || undefined }) === key)
}
