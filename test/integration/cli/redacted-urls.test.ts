import { DatabaseSync } from 'node:sqlite'
import { join } from 'node:path'

import { afterAll, beforeAll, describe, expect, it } from 'vitest'

import { startNginx, type NginxServer } from '../../fixtures/nginx.ts'
import { runCli } from '../../fixtures/run-cli.ts'
import { makeTempDir } from '../../fixtures/temp-dir.ts'

// A signed link that fails: what the user sees and what the state folder keeps name the link, never its secrets.
// The stored URL itself stays whole, since the download needs it.

let nginx: NginxServer
let base: string

beforeAll(async () => {
  nginx = await startNginx({ files: { 'here.bin': Buffer.from('present') } })
  base = `http://${nginx.host}:${nginx.port}`
})
afterAll(async () => {
  await nginx?.stop()
})

function rows(db: DatabaseSync, sql: string): string[] {
  return db
    .prepare(sql)
    .all()
    .map((r) => String(Object.values(r)[0]))
}

describe('a signed URL that fails', () => {
  it('the CLI, the stored error and log, and the connection history show it without its signature', async () => {
    const stateDir = await makeTempDir('redact-state')
    const out = await makeTempDir('redact-dl')
    const env = { PINPOINT_STATE_DIR: stateDir }
    const url = `${base}/gone.bin?X-Amz-Signature=SECRET&token=SECRET2&v=1`
    const shown = `${base}/gone.bin?X-Amz-Signature=…&token=…&v=1`

    const got = await runCli(['get', '--retry', '0', '-d', out, url], { env })
    expect(got.code).toBe(3)
    expect(got.stderr).toContain(`HTTP 404 for ${shown}`)
    const ls = await runCli(['ls'], { env })
    for (const printed of [got.stdout, got.stderr, ls.stdout, ls.stderr]) expect(printed).not.toContain('SECRET')
    expect((await nginx.waitForAccessLog(1)).map((e) => e.request)).toContain(
      'GET /gone.bin?X-Amz-Signature=SECRET&token=SECRET2&v=1 HTTP/1.1',
    )

    const db = new DatabaseSync(join(stateDir, 'pinpoint.db'), { readOnly: true })
    try {
      expect(rows(db, 'SELECT url FROM transfers')).toEqual([url])
      const errors = rows(db, 'SELECT error_message FROM transfers')
      const events = rows(db, 'SELECT message FROM events')
      const connections = rows(db, 'SELECT info FROM connections')
      expect(errors).toEqual([expect.stringContaining(shown)])
      expect(events).toContainEqual(expect.stringContaining(shown))
      expect(connections.length).toBeGreaterThan(0)
      expect(connections.map((c) => (JSON.parse(c) as { url: string }).url)).toContain(shown)
      for (const text of [...errors, ...events, ...connections]) expect(text).not.toContain('SECRET')
    } finally {
      db.close()
    }
  })
})
