import { join } from 'node:path'
import { DatabaseSync } from 'node:sqlite'

import { afterAll, describe, expect, it } from 'vitest'

import { parseSignatureRequest, parseSignatureResult, serializeSignatureRequest } from '../../../shared/signature.ts'
import { migrate, SCHEMA_VERSION } from '../../../electron/store/migrations.ts'
import { DB_FILE, openStore } from '../../../electron/store/open-store.ts'
import { makeTempDir, removeTempDir } from '../../fixtures/temp-dir.ts'

const dirs: string[] = []
afterAll(async () => {
  for (const d of dirs) await removeTempDir(d)
})

describe("a download's signature settings and result in the store", () => {
  it('survive closing and opening the state folder', async () => {
    const dir = await makeTempDir('sig-store')
    dirs.push(dir)
    const request = { signature: { url: 'https://example.org/a.iso.minisig' }, keys: ['RWQ…key line'] }
    const result = { status: 'verified', format: 'minisign', algorithm: 'ED', keyId: '0123456789ABCDEF' } as const
    let store = openStore({ dir })
    const id = store.transfers.insert({
      url: 'https://example.org/a.iso',
      dir,
      signature: serializeSignatureRequest(request),
    }).id
    store.transfers.update(id, { signatureResult: JSON.stringify(result) })
    store.close()
    store = openStore({ dir })
    const row = store.transfers.get(id)
    expect(parseSignatureRequest(row?.signature ?? null)).toEqual(request)
    expect(parseSignatureResult(row?.signatureResult ?? null)).toEqual(result)
    store.close()
  })

  it('are added by the last migration to a database that had downloads before, which keep none', async () => {
    const dir = await makeTempDir('sig-migrate')
    dirs.push(dir)
    const dbPath = join(dir, DB_FILE)
    const db = new DatabaseSync(dbPath)
    migrate(db, dbPath, SCHEMA_VERSION - 1)
    db.prepare(
      `INSERT INTO transfers (url, dir, state, position, created_at, updated_at) VALUES (?, ?, 'paused', 1, 0, 0)`,
    ).run('https://example.org/old.iso', dir)
    db.close()
    const store = openStore({ dir })
    const [old] = store.transfers.list()
    expect(old?.url).toBe('https://example.org/old.iso')
    expect(old?.signature).toBeNull()
    expect(old?.signatureResult).toBeNull()
    store.close()
  })

  it('refuses stored settings this version cannot read rather than completing without them', () => {
    expect(() => parseSignatureRequest('{"signature":{"file":"x"}}')).toThrow(/cannot read/)
    expect(parseSignatureResult('not json')).toBeNull()
  })
})
