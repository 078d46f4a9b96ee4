import { join } from 'node:path'
import { DatabaseSync } from 'node:sqlite'

import { afterEach, beforeEach, describe, expect, it } from 'vitest'

import { applyProfile, previewProfile } from '../../../electron/store/apply-profile.ts'
import { DB_FILE, openStore, type Store } from '../../../electron/store/open-store.ts'
import { SCHEMA_VERSION } from '../../../electron/store/migrations.ts'
import { HostRule, type HostRuleInput } from '../../../shared/domain.ts'
import { HOST_PROFILE_FORMAT, type HostProfile } from '../../../shared/host-profile.ts'
import { makeTempDir, removeTempDir } from '../../fixtures/temp-dir.ts'

const profile = (version: number, rules: HostRuleInput[], name = 'team'): HostProfile => ({
  format: HOST_PROFILE_FORMAT,
  name,
  version,
  created: new Date(0).toISOString(),
  rules: rules.map((r) => HostRule.parse(r)),
})
const signer = { keyId: '0123456789ABCDEF' }

describe('applying a host profile to the store', () => {
  let dir: string
  let store: Store
  beforeEach(async () => {
    dir = await makeTempDir('apply-profile')
    store = openStore({ dir })
  })
  afterEach(async () => {
    store.close()
    await removeTempDir(dir)
  })

  const patterns = () => store.hostRules.list().map((r) => `${r.pattern}=${r.addresses.join(',')}`)

  it('adds, changes and removes its rules, marks them with the profile and version, and records the version', () => {
    store.hostRules.upsert(HostRule.parse({ pattern: 'own.example', addresses: ['10.0.0.9'] }))
    applyProfile(
      store,
      profile(1, [
        { pattern: 'a.example', addresses: ['10.0.0.1'] },
        { pattern: 'b.example', addresses: ['10.0.0.2'] },
      ]),
      signer,
      { now: 1 },
    )
    const diff = applyProfile(
      store,
      profile(2, [
        { pattern: 'a.example', addresses: ['10.0.0.3'] },
        { pattern: 'c.example', addresses: ['10.0.0.4'] },
      ]),
      signer,
      { now: 2 },
    )
    expect(diff.added.map((r) => r.pattern)).toEqual(['c.example'])
    expect(diff.changed.map((c) => c.key)).toEqual(['a.example:*'])
    expect(diff.removed.map((r) => r.pattern)).toEqual(['b.example'])
    expect(patterns()).toEqual(['a.example=10.0.0.3', 'c.example=10.0.0.4', 'own.example=10.0.0.9'])
    expect(
      store.profiles
        .origins()
        .map((o) => `${o.pattern}@${o.profile}:${o.version}`)
        .sort(),
    ).toEqual(['a.example@team:2', 'c.example@team:2'])
    expect(store.profiles.installedVersion('team', signer.keyId)).toBe(2)
  })

  it("keeps a local edit over a changed profile rule unless the user takes the profile's", () => {
    applyProfile(
      store,
      profile(1, [
        { pattern: 'a.example', addresses: ['10.0.0.1'] },
        { pattern: 'b.example', addresses: ['10.0.0.1'] },
      ]),
      signer,
      { now: 1 },
    )
    // The user edits both rules in the Hosts view (an upsert, as hosts:upsert does).
    store.hostRules.upsert(HostRule.parse({ pattern: 'a.example', addresses: ['10.0.0.7'] }))
    store.hostRules.upsert(HostRule.parse({ pattern: 'b.example', addresses: ['10.0.0.8'] }))
    const next = profile(2, [
      { pattern: 'a.example', addresses: ['10.0.0.2'] },
      { pattern: 'b.example', addresses: ['10.0.0.2'] },
    ])
    const diff = previewProfile(store, next)
    expect(diff.conflicts.map((c) => c.key)).toEqual(['a.example:*', 'b.example:*'])
    applyProfile(store, next, signer, { takeProfile: ['b.example:*'], now: 2 })
    expect(patterns()).toEqual(['a.example=10.0.0.7', 'b.example=10.0.0.2'])
    // The kept edit is still the profile's rule, changed locally: the next import still sees the conflict.
    const again = previewProfile(
      store,
      profile(3, [
        { pattern: 'a.example', addresses: ['10.0.0.3'] },
        { pattern: 'b.example', addresses: ['10.0.0.2'] },
      ]),
    )
    expect(again.conflicts.map((c) => c.key)).toEqual(['a.example:*'])
    expect(again.unchanged).toBe(1)
  })

  it('applies all or nothing: a failure in the middle leaves every rule as it was', () => {
    applyProfile(
      store,
      profile(1, [
        { pattern: 'a.example', addresses: ['10.0.0.1'] },
        { pattern: 'gone.example', addresses: ['10.0.0.5'] },
      ]),
      signer,
      { now: 1 },
    )
    store.close()
    // A real SQLite failure part-way through the import: a trigger that aborts the insert of one rule.
    const db = new DatabaseSync(join(dir, DB_FILE))
    db.exec(`CREATE TRIGGER refuse_c BEFORE INSERT ON host_rules WHEN NEW.pattern = 'c.example'
             BEGIN SELECT RAISE(ABORT, 'refused by the test'); END`)
    db.close()
    store = openStore({ dir })
    const before = store.hostRules.list()
    const originsBefore = store.profiles.origins()
    const next = profile(2, [
      { pattern: 'a.example', addresses: ['10.0.0.2'] },
      { pattern: 'b.example', addresses: ['10.0.0.3'] },
      { pattern: 'c.example', addresses: ['10.0.0.4'] },
    ])
    expect(() => applyProfile(store, next, signer, { now: 2 })).toThrow(/refused by the test/)
    expect(store.hostRules.list()).toEqual(before)
    expect(store.profiles.origins()).toEqual(originsBefore)
    expect(store.profiles.installedVersion('team', signer.keyId)).toBe(1)
    store.close()
    store = openStore({ dir })
    expect(store.hostRules.list()).toEqual(before)
  })

  it('the migration that adds profile origins is the newest step', () => {
    const db = new DatabaseSync(join(dir, DB_FILE), { readOnly: true })
    expect(Number(db.prepare('PRAGMA user_version').get()?.['user_version'])).toBe(SCHEMA_VERSION)
    const columns = db
      .prepare('PRAGMA table_info(host_rules)')
      .all()
      .map((c) => c['name'])
    expect(columns).toEqual(expect.arrayContaining(['profile_name', 'profile_version', 'profile_rule']))
    db.close()
  })
})
