import { mkdtemp, readdir, readFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { DatabaseSync } from 'node:sqlite'

import { afterAll, beforeAll, describe, expect, it } from 'vitest'

import { startCore } from '../../../electron/app-core.ts'
import { APP_PAGE_URL } from '../../../electron/shell/app-protocol.ts'
import { migrate, PROXY_PASSWORD_SEALED_AT } from '../../../electron/store/migrations.ts'
import { DB_FILE, openStore } from '../../../electron/store/open-store.ts'
import type { KeyWrap } from '../../../electron/store/secret-key.ts'
import { SAVED_PROXY_PASSWORD } from '../../../shared/proxy.ts'
import { startFaultServer, type FaultServer } from '../../fixtures/fault-server.ts'
import { makePayload, sha256 } from '../../fixtures/payload.ts'
import { startSquid, type Squid } from '../../fixtures/squid.ts'
import { waitFor } from '../../fixtures/wait-for.ts'

// The manual proxy's password in the settings: sealed with the state folder's key like every other credential,
// so no byte of the database (or its WAL) holds it, while downloads through squid with Basic auth still work.
const PASSWORD = 'Sq-sealed-7f3e9c21'
let origin: FaultServer
let squid: Squid
const body = makePayload(200 * 1024, 13)

beforeAll(async () => {
  origin = await startFaultServer()
  origin.serve('/s/file.bin', { body })
  squid = await startSquid({ user: 'dave', password: PASSWORD, hosts: { 'sealedonly.test': '127.0.0.1' } })
}, 60_000)
afterAll(async () => {
  await Promise.all([origin?.close(), squid?.stop()])
})

/** Every file of the state folder (database, WAL, key files) as one buffer. */
async function stateBytes(dir: string): Promise<Buffer> {
  const names = await readdir(dir)
  return Buffer.concat(await Promise.all(names.map((n) => readFile(join(dir, n)).catch(() => Buffer.alloc(0)))))
}

describe('the saved proxy password', () => {
  it('is sealed on save, shown to the window only as "set", and still carries downloads through squid', async () => {
    const stateDir = await mkdtemp(join(tmpdir(), 'pinpoint-sealed-proxy-'))
    const downloads = await mkdtemp(join(tmpdir(), 'pinpoint-sealed-dl-'))
    const c = await startCore({
      stateDir,
      defaultDownloadDir: downloads,
      appUrl: APP_PAGE_URL,
      desktop: { chooseFolder: async () => undefined, reveal: () => {}, open: async () => '' },
      emit: () => {},
    })
    try {
      const server = { url: squid.url, user: 'dave', password: PASSWORD }
      const shown = (await c.ipc.dispatcher.handle(
        'settings:update',
        { proxy: { mode: 'manual', server, noProxy: '' } },
        APP_PAGE_URL,
      )) as { proxy: unknown }
      expect(shown.proxy).toMatchObject({ server: { password: SAVED_PROXY_PASSWORD } })
      const raw = c.store.settings.get<{ server: { password?: string } }>('proxy')
      expect(raw?.server.password).toBe(PASSWORD)

      const url = `http://sealedonly.test:${origin.port}/s/file.bin`
      const added = (await c.ipc.dispatcher.handle('transfers:add', { urls: [url] }, APP_PAGE_URL)) as {
        added: Array<{ id: number }>
      }
      const id = added.added[0]?.id as number
      await waitFor(() => c.store.transfers.get(id)?.state === 'completed')
      expect(sha256(await readFile(join(downloads, 'file.bin')))).toBe(sha256(body))
      expect(squid.accessLog()).toContain('sealedonly.test')
    } finally {
      await c.shutdown()
    }
    expect((await stateBytes(stateDir)).includes(PASSWORD)).toBe(false)
    const db = new DatabaseSync(join(stateDir, DB_FILE))
    const row = db.prepare(`SELECT value FROM settings WHERE key = 'proxy'`).get()
    db.close()
    expect(String(row?.['value'])).toContain('sealedPassword')
    expect(String(row?.['value'])).not.toContain(PASSWORD)
  })

  it('saved in clear by an older version, is sealed when the state folder is opened', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'pinpoint-clear-proxy-'))
    const dbPath = join(dir, DB_FILE)
    const old = new DatabaseSync(dbPath)
    migrate(old, dbPath, PROXY_PASSWORD_SEALED_AT - 1)
    const clear = { mode: 'manual', server: { url: squid.url, user: 'dave', password: PASSWORD }, noProxy: '' }
    old.prepare(`INSERT INTO settings (key, value) VALUES ('proxy', ?)`).run(JSON.stringify(clear))
    old.close()
    expect((await stateBytes(dir)).includes(PASSWORD)).toBe(true)

    const store = openStore({ dir })
    expect(store.settings.get('proxy')).toEqual(clear)
    store.close()
    expect((await stateBytes(dir)).includes(PASSWORD)).toBe(false)
  })

  it('sealed by the app under the OS keychain, is read by the CLI without it, the rest of the setting intact', async () => {
    // A stand-in for Electron's safeStorage: the store only needs something that wraps and unwraps its key.
    const osWrap: KeyWrap = {
      wrap: (key) => Buffer.concat([Buffer.from('os:'), Buffer.from(key).reverse()]),
      unwrap: (blob) => Buffer.from(blob.subarray(3)).reverse(),
    }
    const dir = await mkdtemp(join(tmpdir(), 'pinpoint-os-proxy-'))
    const setting = { mode: 'manual', server: { url: squid.url, user: 'dave', password: PASSWORD }, noProxy: 'x.test' }
    const app = openStore({ dir, keyWrap: osWrap })
    app.settings.set('proxy', setting)
    app.close()
    const cli = openStore({ dir })
    expect(cli.settings.get('proxy')).toEqual({ ...setting, server: { url: squid.url, user: 'dave' } })
    cli.close()
    const again = openStore({ dir, keyWrap: osWrap })
    expect(again.settings.get('proxy')).toEqual(setting)
    again.close()
  })
})
