import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'

import { HostRule } from '../../shared/domain.ts'
import { makePki, type Pki } from '../fixtures/pki.ts'
import { startTlsHttpServer, type TlsHttpServer } from '../fixtures/tls-http-server.ts'
import { startUnboundDoh, type UnboundDoh } from '../fixtures/unbound.ts'
import { closeApp, openApp, transports, type App } from './harness/open-app.ts'
import { byId, expectRowState, transferIdFor, visible } from './harness/ui.ts'

// The app's resolver setting, from the Settings tab to a download: DNS over HTTPS through Debian's Unbound, whose
// own name (b.test) a host rule puts on 127.0.0.1. Only Unbound knows dl.test, so only DoH can find it.
let pki: Pki
let unbound: UnboundDoh
let origin: TlsHttpServer
let app: App | undefined

beforeAll(async () => {
  pki = await makePki()
  unbound = await startUnboundDoh({ cert: pki.bTest, records: ['dl.test. 300 IN A 127.0.0.1'] })
  origin = await startTlsHttpServer({
    default: { keyPem: pki.aTest.keyPem, chainPem: pki.aTest.chainPem },
    handler: () => ({ status: 200, body: 'found by doh\n' }),
  })
}, 30_000)
afterAll(async () => {
  await origin?.close()
  await unbound?.stop()
})
afterEach(async () => {
  const closing = app
  app = undefined
  await closeApp(closing)
})

describe.each(transports)('the resolver setting (%s)', (transport) => {
  it('a DoH mode needs an https URL, says why until it has one, then saves and downloads through DoH', async () => {
    app = await openApp({
      transport,
      seed: (core) => {
        core.store.hostRules.upsert(HostRule.parse({ pattern: 'b.test', addresses: ['127.0.0.1'], ca: pki.rootPem }))
        // The origin's certificate is for a.test: the rule for dl.test presents and checks that name.
        core.store.hostRules.upsert(HostRule.parse({ pattern: 'dl.test', sni: 'a.test', ca: pki.rootPem }))
      },
    })
    const { page, core } = app
    await byId(page, 'tab-settings').click()
    await visible(byId(page, 'settings-form'))
    await byId(page, 'set-dns-mode').selectOption('doh')
    await expect.poll(() => byId(page, 'set-dns-hint').innerText()).toMatch(/Enter the DoH server/)
    await byId(page, 'set-doh-url').fill('http://dns.test/dns-query')
    await expect.poll(() => byId(page, 'set-dns-hint').innerText()).toMatch(/must be an https URL/)
    expect(core.store.settings.get('dns')).toBeUndefined()
    await byId(page, 'set-doh-url').fill(unbound.url())
    await expect.poll(() => byId(page, 'settings-status').innerText()).toBe('Saved')
    expect(core.store.settings.get('dns')).toEqual({ mode: 'doh', dohUrl: unbound.url() })
    await app.screenshot('settings-dns')

    const url = `https://dl.test:${origin.port}/found.txt`
    await core.add([url])
    const id = await transferIdFor(core, url)
    await byId(page, 'tab-transfers').click()
    await expectRowState(page, id, 'completed')
    const won = core.store.connections.list(id)[0]?.info.attempts.find((a) => a.outcome === 'won')
    expect(won).toMatchObject({ source: 'doh', server: unbound.url() })
  }, 60_000)
})
