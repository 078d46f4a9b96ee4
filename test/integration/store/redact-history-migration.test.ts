import { DatabaseSync } from 'node:sqlite'
import { join } from 'node:path'

import { afterEach, describe, expect, it } from 'vitest'

import { migrate } from '../../../electron/store/migrations.ts'
import { openStore } from '../../../electron/store/open-store.ts'
import { versionBeforeColumn } from '../../fixtures/schema-steps.ts'
import { makeTempDir, removeTempDir } from '../../fixtures/temp-dir.ts'

// A state folder an older pinpoint wrote keeps signed links' secrets in its messages and connection history;
// opening it with this one removes them there, and leaves the download's own URL whole.

const dirs: string[] = []
afterEach(async () => {
  for (const d of dirs.splice(0)) await removeTempDir(d)
})

describe('opening an older state folder', () => {
  it('redacts URLs in stored errors, events and connection records, never the transfer URL', async () => {
    // A schema before this step: the last step known to come before it (it adds no column of its own).
    const before = (await versionBeforeColumn('transfers', 'started_anyway')) + 1
    const dir = await makeTempDir('redact-history-migration')
    dirs.push(dir)
    const dbPath = join(dir, 'pinpoint.db')
    const url = 'https://cdn.test/f.iso?X-Amz-Signature=SECRET&v=1'
    const shown = 'https://cdn.test/f.iso?X-Amz-Signature=…&v=1'
    const db = new DatabaseSync(dbPath)
    migrate(db, dbPath, before)
    const id = Number(
      db
        .prepare(
          `INSERT INTO transfers (url, dir, state, position, created_at, updated_at, error_code, error_message)
           VALUES (?, ?, 'failed', 1, 0, 0, 'HTTP_STATUS', ?)`,
        )
        .run(url, dir, `cdn.test: HTTP 403 for ${url}`).lastInsertRowid,
    )
    db.prepare(`INSERT INTO events (transfer_id, at, kind, message) VALUES (?, 0, 'error', ?)`).run(
      id,
      `HTTP_STATUS: cdn.test: HTTP 403 for ${url}`,
    )
    db.prepare(`INSERT INTO events (transfer_id, at, kind, message) VALUES (?, 0, 'user', 'paused by the user')`).run(
      id,
    )
    const info = {
      url,
      host: 'cdn.test',
      attempts: [{ address: '127.0.0.1', server: 'https://doh.test/q?token=SECRET2' }],
    }
    db.prepare('INSERT INTO connections (transfer_id, at, info) VALUES (?, 0, ?)').run(id, JSON.stringify(info))
    db.close()

    openStore({ dir }).close()

    const after = new DatabaseSync(dbPath, { readOnly: true })
    try {
      const row = after.prepare('SELECT url, error_message FROM transfers').get()
      expect(row).toEqual({ url, error_message: `cdn.test: HTTP 403 for ${shown}` })
      expect(
        after
          .prepare('SELECT message FROM events ORDER BY id')
          .all()
          .map((r) => r['message']),
      ).toEqual([`HTTP_STATUS: cdn.test: HTTP 403 for ${shown}`, 'paused by the user'])
      const stored = after.prepare('SELECT info FROM connections').get()?.['info'] as string
      expect(JSON.parse(stored)).toEqual({
        url: shown,
        host: 'cdn.test',
        attempts: [{ address: '127.0.0.1', server: 'https://doh.test/q?token=…' }],
      })
    } finally {
      after.close()
    }
  })
})
