import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'

import { HostRule } from '../../shared/domain.ts'
import { startNginx, type NginxServer } from '../fixtures/nginx.ts'
import { makePayload } from '../fixtures/payload.ts'
import { makePki, type Pki } from '../fixtures/pki.ts'
import { startUnboundDoh, type UnboundDoh } from '../fixtures/unbound.ts'
import { closeApp, openApp, transports, type App } from './harness/open-app.ts'
import { hostRow } from './harness/hosts-ui.ts'
import { byId, setField, visible } from './harness/ui.ts'

// The Hosts view's two checks against real servers: "Compare DNS" asks the system resolver and Debian's Unbound
// over DoH, checks every address's certificate, and can make the verified DoH addresses the rule's; "Measure
// nodes" times two nginx nodes of one host (127.0.0.2 held to 512 KiB/s, 127.0.0.3 not) and keeps the ranking.
let pki: Pki
let unbound: UnboundDoh
let nginx: NginxServer
let app: App | undefined
/** The Hosts view with its checks' results below the rule form, all on screen. */
const SHOT = { width: 1280, height: 1100 }

beforeAll(async () => {
  pki = await makePki()
  nginx = await startNginx({
    pki,
    files: { 'big.bin': makePayload(1024 * 1024, 3) },
    nodes: [{ address: '127.0.0.2', limitRate: '512k' }, { address: '127.0.0.3' }],
  })
  unbound = await startUnboundDoh({ cert: pki.bTest, records: ['a.test. 300 IN A 127.0.0.1'] })
}, 30_000)
afterAll(async () => {
  await unbound?.stop()
  await nginx?.stop()
})
afterEach(async () => {
  const closing = app
  app = undefined
  await closeApp(closing)
})

async function openRule(a: App, pattern: string): Promise<void> {
  await byId(a.page, 'tab-hosts').click()
  await visible(byId(a.page, 'host-rules'))
  await hostRow(a, pattern).click()
  await setField(byId(a.page, 'host-probe-url'), `https://a.test:${nginx.port}/big.bin`)
}

describe.each(transports)('host checks (%s)', (transport) => {
  it('Compare DNS shows both answers and every verdict, and one step makes the verified DoH addresses the rule', async () => {
    app = await openApp({
      transport,
      seed: (core) => {
        core.store.settings.set('dns', { mode: 'doh', dohUrl: unbound.url() })
        core.store.hostRules.upsert(HostRule.parse({ pattern: 'b.test', addresses: ['127.0.0.1'], ca: pki.rootPem }))
        core.store.hostRules.upsert(HostRule.parse({ pattern: 'a.test', ca: pki.rootPem }))
      },
    })
    const { page, core } = app
    await openRule(app, 'a.test')
    await byId(page, 'host-compare-dns').click()
    const report = await visible(byId(page, 'dns-compare'), 20_000)
    await expect.poll(() => report.getAttribute('data-verdict')).toMatch(/consistent|inconclusive/)
    const check = page.locator('[data-testid="dns-check"]', { hasText: '127.0.0.1' })
    await expect.poll(() => check.getAttribute('data-verdict')).toBe('verifies')
    expect(await check.innerText()).toMatch(/doh/)
    // Tall enough to hold the rule form, both answer sets and every address's verdict.
    await report.scrollIntoViewIfNeeded()
    await app.screenshot('hosts-compare-dns', { viewport: SHOT })
    await byId(page, 'use-doh-addresses').click()
    await expect
      .poll(() => core.store.hostRules.list().find((r) => r.pattern === 'a.test')?.addresses)
      .toEqual(['127.0.0.1'])
  }, 60_000)

  it('Measure nodes lists them best first and keeps the ranking for later downloads', async () => {
    app = await openApp({
      transport,
      seed: (core) => {
        core.store.hostRules.upsert(
          HostRule.parse({ pattern: 'a.test', addresses: ['127.0.0.2', '127.0.0.3'], ca: pki.rootPem }),
        )
      },
    })
    const { page, core } = app
    await openRule(app, 'a.test')
    await byId(page, 'host-measure-nodes').click()
    const table = await visible(byId(page, 'node-table'), 30_000)
    await expect.poll(() => table.getByTestId('node-row').count()).toBe(2)
    expect(await table.getByTestId('node-row').first().innerText()).toContain('127.0.0.3')
    await table.scrollIntoViewIfNeeded()
    await app.screenshot('hosts-nodes', { viewport: SHOT })
    const stored = core.store.nodeRankings.get('a.test', nginx.port)
    expect(stored?.report.nodes.map((n) => n.address)).toEqual(['127.0.0.3', '127.0.0.2'])
  }, 60_000)
})
