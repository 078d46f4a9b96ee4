import { DatabaseSync } from 'node:sqlite'
import { join } from 'node:path'

import { afterEach, describe, expect, it } from 'vitest'

import { migrate } from '../../../electron/store/migrations.ts'
import { openStore } from '../../../electron/store/open-store.ts'
import { makeTempDir, removeTempDir } from '../../fixtures/temp-dir.ts'
import { versionBeforeColumn } from '../../fixtures/schema-steps.ts'

const dirs: string[] = []
afterEach(async () => {
  for (const d of dirs.splice(0)) await removeTempDir(d)
})

const hasColumn = (db: DatabaseSync) =>
  db
    .prepare('PRAGMA table_info(transfers)')
    .all()
    .some((c) => c['name'] === 'started_anyway')

describe('the started_anyway column', () => {
  it('is added to a database an older pinpoint made: its transfers follow the schedule, and the flag is kept', async () => {
    const before = await versionBeforeColumn('transfers', 'started_anyway')
    const dir = await makeTempDir('started-anyway-migration')
    dirs.push(dir)
    const dbPath = join(dir, 'pinpoint.db')
    const db = new DatabaseSync(dbPath)
    migrate(db, dbPath, before)
    expect(hasColumn(db)).toBe(false)
    db.prepare(
      `INSERT INTO transfers (url, dir, state, position, created_at, updated_at)
       VALUES ('https://host.test/old.iso', ?, 'queued', 1, 0, 0)`,
    ).run(dir)
    db.close()

    let store = openStore({ dir })
    try {
      const [old] = store.transfers.list()
      expect(old?.startedAnyway).toBe(false)
      expect(store.transfers.update(old!.id, { startedAnyway: true }).startedAnyway).toBe(true)
    } finally {
      store.close()
    }
    store = openStore({ dir })
    try {
      expect(store.transfers.list()[0]?.startedAnyway).toBe(true)
    } finally {
      store.close()
    }
  })
})
