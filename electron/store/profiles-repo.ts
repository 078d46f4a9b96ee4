import type { Preparer } from './turn-commit.ts'

import { HostRule } from '../../shared/domain.ts'

export interface StoredOrigin {
  readonly pattern: string
  /** 0 = every port, as the host_rules table keeps it. */
  readonly port: number
  readonly profile: string
  readonly version: number
  /** The rule as the profile gave it; absent when it no longer parses (then the rule counts as edited). */
  readonly profileRule: HostRule | undefined
}

export interface TrustedProfileKey {
  readonly keyId: string
  /** minisign's public key line. */
  readonly publicKey: string
}

/**
 * Host profiles in the store: which rules came from which profile, the keys trusted to sign profiles, and the
 * versions installed and exported. The rules themselves stay in host_rules (HostRulesRepo writes them).
 */
export interface ProfilesRepo {
  origins(): StoredOrigin[]
  /** Mark a stored rule as given by `profile` at `version`, as `profileRule`. */
  setOrigin(pattern: string, port: number, profile: string, version: number, profileRule: HostRule): void
  /** The rule becomes the user's own: a later import of its profile no longer changes or removes it. */
  clearOrigin(pattern: string, port: number): void
  trustedKeys(): TrustedProfileKey[]
  trustKey(key: TrustedProfileKey, at: number): void
  installedVersion(name: string, keyId: string): number | undefined
  setInstalled(name: string, keyId: string, version: number, at: number): void
  /** The highest version exported under this name. */
  lastExportedVersion(name: string): number | undefined
  /** Record an export; the highest version is kept, so the next default never repeats an older number. */
  setExported(name: string, version: number): void
}

export function profilesRepo(db: Preparer): ProfilesRepo {
  const s = {
    origins: db.prepare(
      'SELECT pattern, port, profile_name, profile_version, profile_rule FROM host_rules WHERE profile_name IS NOT NULL',
    ),
    setOrigin: db.prepare(
      'UPDATE host_rules SET profile_name = ?, profile_version = ?, profile_rule = ? WHERE pattern = ? AND port = ?',
    ),
    clearOrigin: db.prepare(
      'UPDATE host_rules SET profile_name = NULL, profile_version = NULL, profile_rule = NULL WHERE pattern = ? AND port = ?',
    ),
    keys: db.prepare('SELECT key_id, public_key FROM profile_keys ORDER BY trusted_at, key_id'),
    trust: db.prepare(
      'INSERT INTO profile_keys (key_id, public_key, trusted_at) VALUES (?, ?, ?) ON CONFLICT (key_id) DO NOTHING',
    ),
    installed: db.prepare('SELECT version FROM installed_profiles WHERE name = ? AND key_id = ?'),
    setInstalled: db.prepare(
      `INSERT INTO installed_profiles (name, key_id, version, installed_at) VALUES (?, ?, ?, ?)
       ON CONFLICT (name, key_id) DO UPDATE SET version = excluded.version, installed_at = excluded.installed_at`,
    ),
    exported: db.prepare('SELECT version FROM profile_exports WHERE name = ?'),
    setExported: db.prepare(
      'INSERT INTO profile_exports (name, version) VALUES (?, ?) ON CONFLICT (name) DO UPDATE SET version = max(version, excluded.version)',
    ),
  }
  return {
    origins() {
      return s.origins.all().map((r) => ({
        pattern: r['pattern'] as string,
        port: r['port'] as number,
        profile: r['profile_name'] as string,
        version: Number(r['profile_version']),
        profileRule: parseRule(r['profile_rule'] as string | null),
      }))
    },
    setOrigin(pattern, port, profile, version, profileRule) {
      s.setOrigin.run(profile, version, JSON.stringify(profileRule), pattern, port)
    },
    clearOrigin(pattern, port) {
      s.clearOrigin.run(pattern, port)
    },
    trustedKeys() {
      return s.keys.all().map((r) => ({ keyId: r['key_id'] as string, publicKey: r['public_key'] as string }))
    },
    trustKey(key, at) {
      s.trust.run(key.keyId, key.publicKey, at)
    },
    installedVersion(name, keyId) {
      const row = s.installed.get(name, keyId)
      return row ? Number(row['version']) : undefined
    },
    setInstalled(name, keyId, version, at) {
      s.setInstalled.run(name, keyId, version, at)
    },
    lastExportedVersion(name) {
      const row = s.exported.get(name)
      return row ? Number(row['version']) : undefined
    },
    setExported(name, version) {
      s.setExported.run(name, version)
    },
  }
}

function parseRule(json: string | null): HostRule | undefined {
  if (json === null) return undefined
  try {
    const parsed = HostRule.safeParse(JSON.parse(json))
    return parsed.success ? parsed.data : undefined
  } catch {
    return undefined
  }
}
