import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'

import { HostRule } from '../../shared/domain.ts'
import { SAVED_PROXY_PASSWORD } from '../../shared/proxy.ts'
import { startMicrosocks, type SocksProxy } from '../fixtures/microsocks.ts'
import { makePki, type Pki } from '../fixtures/pki.ts'
import { startTlsHttpServer, type TlsHttpServer } from '../fixtures/tls-http-server.ts'
import { detailsOf, expandGroups } from './harness/details.ts'
import { closeApp, openApp, transports, type App } from './harness/open-app.ts'
import { byId, expectRowState, row, setField, transferIdFor, visible } from './harness/ui.ts'

// The proxy setting from the Settings tab to a download through Debian's microsocks (SOCKS5 with a password), the
// proxy shown in the download's connection history, and the host form's proxy field.
let pki: Pki
let socks: SocksProxy
let origin: TlsHttpServer
let app: App | undefined

beforeAll(async () => {
  pki = await makePki()
  socks = await startMicrosocks({ user: 'carol', password: 'e2e-secret' })
  origin = await startTlsHttpServer({
    default: { keyPem: pki.aTest.keyPem, chainPem: pki.aTest.chainPem },
    handler: () => ({ status: 200, body: 'through the proxy\n' }),
  })
}, 30_000)
afterAll(async () => {
  await origin?.close()
  await socks?.stop()
})
afterEach(async () => {
  const closing = app
  app = undefined
  await closeApp(closing)
})

describe.each(transports)('the proxy setting (%s)', (transport) => {
  it('a manual SOCKS5 proxy with a password: saved, never shown back, and used by a download', async () => {
    app = await openApp({
      transport,
      seed: (core) => {
        core.store.hostRules.upsert(HostRule.parse({ pattern: 'a.test', addresses: ['127.0.0.1'], ca: pki.rootPem }))
      },
    })
    const { page, core } = app
    await byId(page, 'tab-settings').click()
    await visible(byId(page, 'settings-form'))
    await byId(page, 'set-proxy-mode').selectOption('manual')
    await expect.poll(() => byId(page, 'set-proxy-hint').innerText()).toMatch(/Enter the proxy/)
    await byId(page, 'set-proxy-url').fill(`socks4://127.0.0.1:${socks.port}`)
    await expect.poll(() => byId(page, 'set-proxy-hint').innerText()).toMatch(/proxy URL/)
    await byId(page, 'set-proxy-user').fill('carol')
    await byId(page, 'set-proxy-password').fill('e2e-secret')
    await byId(page, 'set-proxy-url').fill(`socks5h://127.0.0.1:${socks.port}`)
    await expect.poll(() => byId(page, 'settings-status').innerText()).toBe('Saved')
    await byId(page, 'set-proxy-noproxy').fill('intranet.test, 10.0.0.0/8')
    await expect
      .poll(() => core.store.settings.get('proxy'))
      .toEqual({
        mode: 'manual',
        server: { url: `socks5h://127.0.0.1:${socks.port}`, user: 'carol', password: 'e2e-secret' },
        noProxy: 'intranet.test, 10.0.0.0/8',
      })
    // Opened again, the form shows what main sent back: the marker, never the password.
    await byId(page, 'tab-transfers').click()
    await byId(page, 'tab-settings').click()
    await expect.poll(() => byId(page, 'set-proxy-password').inputValue()).toBe(SAVED_PROXY_PASSWORD)
    await app.screenshot('settings-proxy')

    const url = `https://a.test:${origin.port}/through.txt`
    await core.add([url])
    const id = await transferIdFor(core, url)
    await byId(page, 'tab-transfers').click()
    await expectRowState(page, id, 'completed')
    await row(page, id).click()
    const details = await detailsOf(page)
    await expandGroups(details)
    const proxy = details.getByTestId('connection-proxy').first()
    await visible(proxy)
    expect(await proxy.innerText()).toBe(
      `socks5h://127.0.0.1:${socks.port}, asked for 127.0.0.1:${origin.port} (tunnel; TLS end to end)`,
    )
    await app.screenshot('connection-proxy')
  }, 60_000)

  it('the host form saves a per-host proxy, or direct', async () => {
    app = await openApp({ transport })
    const { page, core } = app
    await byId(page, 'tab-hosts').click()
    await visible(byId(page, 'host-rules'))
    await byId(page, 'host-add').click()
    await setField(byId(page, 'host-pattern'), 'files.test')
    await setField(byId(page, 'host-proxy'), 'http://proxy.test:3128')
    await app.screenshot('host-form-proxy')
    await byId(page, 'host-save').click()
    await expect
      .poll(() => core.store.hostRules.list().find((r) => r.pattern === 'files.test')?.proxy)
      .toEqual({ url: 'http://proxy.test:3128' })
  }, 60_000)
})
