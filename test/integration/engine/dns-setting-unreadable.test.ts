import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'

import { openCore, type OpenedCore } from '../../../electron/core/open-core.ts'
import { createSettingsService } from '../../../electron/ipc/settings-service.ts'
import { startNginx, type NginxServer } from '../../fixtures/nginx.ts'
import { makePayload } from '../../fixtures/payload.ts'
import { makeTempDir, removeTempDir } from '../../fixtures/temp-dir.ts'
import { waitFor } from '../../fixtures/wait-for.ts'

// The app's resolver setting, saved in a form this version cannot read (a DoH mode without its URL): downloads
// that depend on it fail with the reason, and the settings view is told, rather than names quietly going to the
// system resolver. The download is of http://localhost, a name, from a plain nginx on 127.0.0.1.
let nginx: NginxServer
let core: OpenedCore | undefined
const dirs: string[] = []

beforeAll(async () => {
  nginx = await startNginx({ files: { 'x.bin': makePayload(4096, 7) } })
}, 30_000)
afterAll(async () => {
  await nginx?.stop()
})
afterEach(async () => {
  await core?.shutdown()
  core = undefined
  for (const d of dirs.splice(0)) await removeTempDir(d)
})

async function open(): Promise<OpenedCore> {
  const stateDir = await makeTempDir('dns-unreadable-state')
  dirs.push(stateDir)
  core = await openCore({ stateDir, connectTimeoutMs: 2000 })
  return core
}

async function download(c: OpenedCore): Promise<number> {
  const dir = await makeTempDir('dns-unreadable-dl')
  dirs.push(dir)
  const row = c.queue.add({ url: `http://localhost:${nginx.port}/x.bin`, dir, split: 1 })
  c.queue.start([row.id])
  await waitFor(() => ['completed', 'failed'].includes(c.store.transfers.get(row.id)?.state ?? ''), 30_000)
  return row.id
}

describe('an unreadable resolver setting', () => {
  it('fails the downloads that depend on it with the reason, in the row and the log', async () => {
    const c = await open()
    c.store.settings.set('dns', { mode: 'doh' })
    const id = await download(c)
    const row = c.store.transfers.get(id)
    expect(row?.state).toBe('failed')
    expect(row?.errorCode).toBe('FILE_ERROR')
    expect(row?.errorMessage).toMatch(/saved resolver setting cannot be read.*Resolve names with/)
    expect(c.store.events.list(id).some((e) => e.kind === 'error' && /resolver setting/.test(e.message))).toBe(true)
    // Saved again as something readable, the same download goes through.
    c.store.settings.set('dns', { mode: 'system' })
    c.queue.retry([id])
    await waitFor(() => c.store.transfers.get(id)?.state === 'completed', 30_000)
  })

  it('is reported to the settings view, and survives a change to another setting', async () => {
    const c = await open()
    c.store.settings.set('dns', { mode: 'doh-fallback' })
    const settings = createSettingsService({ store: c.store, defaultDownloadDir: '/tmp', emit: () => {} })
    expect(settings.problems()).toEqual([{ key: 'dns', message: expect.stringMatching(/cannot be read/) }])
    settings.update({ split: 3 })
    expect(c.store.settings.get('dns')).toEqual({ mode: 'doh-fallback' })
    expect(settings.problems().map((p) => p.key)).toEqual(['dns'])
    settings.update({ dns: { mode: 'system' } })
    expect(settings.problems()).toEqual([])
  })
})
