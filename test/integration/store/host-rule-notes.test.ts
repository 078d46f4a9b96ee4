import { join } from 'node:path'
import { DatabaseSync } from 'node:sqlite'

import { describe, expect, it } from 'vitest'

import { DB_FILE } from '../../../electron/store/open-store.ts'
import { HostRule } from '../../../shared/domain.ts'
import { tempStores } from '../../fixtures/temp-stores.ts'

// Pins carry a label and the day they were added beside the plain list of keys, so rules saved before that
// (and every reader of `pins`) are untouched.
const pin = (fill: number) => Buffer.alloc(32, fill).toString('base64')

const stores = tempStores('pin-notes')
const open = () => stores.fresh()

describe('pin notes of host rules', () => {
  it('a rule stored before pins had notes reads as it was, and notes round-trip', async () => {
    const { dir, store } = await open()
    store.flush()
    // Written by the raw row, as an earlier version stored it.
    const raw = new DatabaseSync(join(dir, DB_FILE))
    const old = { pattern: 'old.test', addresses: [], pins: [pin(1)], pinMode: 'enforce', trust: 'pin' }
    raw.prepare('INSERT INTO host_rules (pattern, port, rule) VALUES (?, 0, ?)').run('old.test', JSON.stringify(old))
    raw.close()
    expect(store.hostRules.list()).toEqual([old])

    const noted = HostRule.parse({
      ...old,
      pins: [`sha256//${pin(1)}`, pin(2)],
      pinNotes: [
        { pin: `sha256//${pin(1)}`, label: '  NAS  ' },
        { pin: pin(2), label: 'rotated key', addedAt: 1_765_000_000_000 },
      ],
    })
    store.hostRules.upsert(noted)
    expect(store.hostRules.list()[0]?.pinNotes).toEqual([
      { pin: pin(1), label: 'NAS' },
      { pin: pin(2), label: 'rotated key', addedAt: 1_765_000_000_000 },
    ])
  })

  it('refuses a note about a pin the rule does not have, or two about one pin', () => {
    const base = { pattern: 'a.test', pins: [pin(1)] }
    expect(HostRule.safeParse({ ...base, pinNotes: [{ pin: pin(3), label: 'x' }] }).success).toBe(false)
    const twice = [
      { pin: pin(1), label: 'x' },
      { pin: `sha256//${pin(1)}`, label: 'y' },
    ]
    expect(HostRule.safeParse({ ...base, pinNotes: twice }).success).toBe(false)
    expect(HostRule.safeParse({ ...base, pinNotes: [{ pin: pin(1), label: 'x'.repeat(201) }] }).success).toBe(false)
  })
})
