import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'

import { startNginx, type NginxServer } from '../fixtures/nginx.ts'
import { makePayload } from '../fixtures/payload.ts'
import { closeApp, openApp, transports, type App } from './harness/open-app.ts'
import { byId, expectRowState, transferIdFor, visible } from './harness/ui.ts'

// A resolver setting saved in a form this version cannot read (a DoH mode without its URL): the Settings view
// says so under "Resolve names with", a download of a name fails with that reason, and saving the setting
// again clears it.
let nginx: NginxServer
let app: App | undefined

beforeAll(async () => {
  nginx = await startNginx({ files: { 'x.bin': makePayload(4096, 9) } })
}, 30_000)
afterAll(async () => {
  await nginx?.stop()
})
afterEach(async () => {
  const closing = app
  app = undefined
  await closeApp(closing)
})

describe.each(transports)('an unreadable resolver setting (%s)', (transport) => {
  it('is shown in Settings and fails the download that needs it, until it is saved again', async () => {
    app = await openApp({ transport, seed: (core) => core.store.settings.set('dns', { mode: 'doh' }) })
    const { page, core } = app
    const url = `http://localhost:${nginx.port}/x.bin`
    await core.add([url])
    const id = await transferIdFor(core, url)
    await expectRowState(page, id, 'failed')
    expect(core.store.transfers.get(id)?.errorMessage).toMatch(/saved resolver setting cannot be read/)

    await byId(page, 'tab-settings').click()
    await visible(byId(page, 'settings-form'))
    const problem = await visible(byId(page, 'setting-problem-dns'))
    expect(await problem.innerText()).toMatch(/cannot be read.*Resolve names with/)
    await app.screenshot('settings-dns-unreadable')
    await byId(page, 'set-dns-mode').selectOption('doh')
    await byId(page, 'set-doh-url').fill('https://dns.test/dns-query')
    await expect.poll(() => byId(page, 'setting-problem-dns').count()).toBe(0)
    expect(core.store.settings.get('dns')).toEqual({ mode: 'doh', dohUrl: 'https://dns.test/dns-query' })
  }, 60_000)
})
