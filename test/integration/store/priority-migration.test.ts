import { DatabaseSync } from 'node:sqlite'
import { join } from 'node:path'

import { describe, expect, it } from 'vitest'

import { migrate } from '../../../electron/store/migrations.ts'
import { openStore } from '../../../electron/store/open-store.ts'
import { versionBeforeColumn } from '../../fixtures/schema-steps.ts'
import { makeTempDir } from '../../fixtures/temp-dir.ts'

describe('the priority column', () => {
  it('is added to a database an older pinpoint made: its transfers become normal, and the column takes only the two', async () => {
    const dir = await makeTempDir('priority-migration')
    const dbPath = join(dir, 'pinpoint.db')
    const db = new DatabaseSync(dbPath)
    migrate(db, dbPath, await versionBeforeColumn('transfers', 'priority'))
    db.prepare(
      `INSERT INTO transfers (url, dir, state, position, created_at, updated_at)
       VALUES ('https://host.test/old.iso', ?, 'paused', 1, 0, 0)`,
    ).run(dir)
    db.close()

    const store = openStore({ dir })
    try {
      const [old] = store.transfers.list()
      expect(old?.priority).toBe('normal')
      expect(store.transfers.update(old!.id, { priority: 'background' }).priority).toBe('background')
      const added = store.transfers.insert({ url: 'https://host.test/new.iso', dir, priority: 'background' })
      expect(store.transfers.get(added.id)?.priority).toBe('background')
      expect(() => store.transfers.update(old!.id, { priority: 'low' as never })).toThrow(/CHECK constraint/)
    } finally {
      store.close()
    }
  })
})
