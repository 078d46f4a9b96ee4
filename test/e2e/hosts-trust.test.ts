import { readFile } from 'node:fs/promises'

import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'

import { makePayload, sha256 } from '../fixtures/payload.ts'
import { makePki, type Pki } from '../fixtures/pki.ts'
import { startTlsHttpServer, type RequestHandler, type TlsHttpServer } from '../fixtures/tls-http-server.ts'
import { fillHostRule, hostRow, overlaps, probeUntilChain, shownDate } from './harness/hosts-ui.ts'
import { openApp, transports, type App, closeApp } from './harness/open-app.ts'
import { byId, expectRowState, openAddDialog, setField, transferIdFor, visible } from './harness/ui.ts'

// Trusting a server from the Hosts view, against real TLS servers: one presenting a self-signed certificate
// (self.test), one presenting a chain of the test PKI (a.test) that the rule's CA verifies. Neither name
// resolves, so every connection that works went where the rule said.
let pki: Pki
let selfSigned: TlsHttpServer
let verified: TlsHttpServer
let app: App | undefined
const body = makePayload(64 * 1024, 12)

const serveBody: RequestHandler = () => ({
  status: 200,
  headers: { 'content-type': 'application/octet-stream' },
  body,
})

beforeAll(async () => {
  pki = await makePki()
  selfSigned = await startTlsHttpServer({ default: pki.selfSigned, handler: serveBody })
  verified = await startTlsHttpServer({ default: pki.defaultLeaf, sni: { 'a.test': pki.aTest }, handler: serveBody })
}, 60_000)
afterAll(async () => {
  await selfSigned.close()
  await verified.close()
})
afterEach(async () => {
  const closing = app
  app = undefined
  await closeApp(closing)
})

/** Add one URL from the transfers tab and return its transfer id. */
async function download(a: App, url: string): Promise<number> {
  await byId(a.page, 'tab-transfers').click()
  await openAddDialog(a.page, url)
  await byId(a.page, 'add-submit').click()
  return transferIdFor(a.core, url)
}

const savedRule = (a: App, pattern: string) => a.core.store.hostRules.list().find((r) => r.pattern === pattern)

describe.each(transports)('trust in one step (%s)', (transport) => {
  it('Pin this key on a self-signed server trusts it by that key and saves the rule, in one confirmed step', async () => {
    app = await openApp({ transport })
    const { page } = app
    const port = String(selfSigned.port)
    const url = selfSigned.url('/nas.bin', 'self.test')
    await fillHostRule(app, { pattern: 'self.test', port, addresses: '127.0.0.1' })
    await setField(byId(page, 'host-probe-url'), url)
    const result = await probeUntilChain(app, pki.selfSigned.pin)
    expect(await byId(page, 'probe-verdict').innerText()).toMatch(/not verified|failed/i)

    const before = Date.now()
    await result.getByTestId('pin-this-key').first().click()
    const dialog = await visible(byId(page, 'confirm-pin'))
    // Trusting by the key is offered, and chosen, for a chain that did not verify.
    expect(await byId(page, 'confirm-pin-trust').isChecked()).toBe(true)
    const changes = await byId(page, 'confirm-pin-changes').innerText()
    expect(changes).toContain(`self.test:${port}`)
    expect(changes).toContain(`sha256//${pki.selfSigned.pin}`)
    expect(changes).toMatch(/pin only/i)
    expect(changes).not.toMatch(/other fields/i)
    expect(await byId(page, 'confirm-pin-label').inputValue()).toContain('self.test')
    await setField(byId(page, 'confirm-pin-label'), 'NAS in the cupboard')
    await app.screenshot('hosts-confirm-trust')
    await page.setViewportSize({ width: 800, height: 600 })
    await app.screenshot('hosts-confirm-trust-800x600')
    expect(await dialog.innerText()).toMatch(/Trust this server by its pinned key/)
    await byId(page, 'confirm-pin-yes').click()

    // Saved without a separate Save: the pin, its label and date, and trust by the key.
    await expect.poll(() => savedRule(app as App, 'self.test')?.trust).toBe('pin')
    const rule = savedRule(app, 'self.test')
    expect(rule).toMatchObject({ port: selfSigned.port, pins: [pki.selfSigned.pin] })
    expect(rule?.pinNotes).toHaveLength(1)
    expect(rule?.pinNotes?.[0]).toMatchObject({ pin: pki.selfSigned.pin, label: 'NAS in the cupboard' })
    expect(rule?.pinNotes?.[0]?.addedAt).toBeGreaterThanOrEqual(before)
    expect(rule?.pinNotes?.[0]?.addedAt).toBeLessThanOrEqual(Date.now())
    await visible(hostRow(app, 'self.test'))

    // The view shows what the next connection will see.
    await expect
      .poll(() => byId(page, 'probe-verdict').innerText(), { timeout: 20_000 })
      .toMatch(/Trusted by pinned key/)
    expect(await byId(page, 'probe-pin').innerText()).toMatch(/matched/)
    await app.screenshot('hosts-trusted')

    const id = await download(app, url)
    await expectRowState(page, id, 'completed')
    expect(sha256(await readFile(app.core.store.transfers.get(id)?.savedPath as string))).toBe(sha256(body))
  }, 90_000)

  it('Pin this key on a verified server adds the pin with its label and date and saves, trust unchanged', async () => {
    app = await openApp({ transport })
    const { page } = app
    await fillHostRule(app, { pattern: 'public.test', addresses: '127.0.0.1', sni: 'a.test', ca: pki.rootPem })
    await setField(byId(page, 'host-probe-url'), verified.url('/', 'public.test'))
    const result = await probeUntilChain(app, pki.aTest.pin)
    expect(await byId(page, 'probe-verdict').innerText()).toMatch(/verified/i)

    const before = Date.now()
    await result.getByTestId('pin-this-key').first().click()
    await visible(byId(page, 'confirm-pin'))
    expect(await byId(page, 'confirm-pin-trust').count()).toBe(0)
    const changes = await byId(page, 'confirm-pin-changes').innerText()
    expect(changes).toContain('public.test')
    expect(changes).toContain(`sha256//${pki.aTest.pin}`)
    expect(changes).toMatch(/CAs/)
    await byId(page, 'confirm-pin-yes').click()

    await expect.poll(() => savedRule(app as App, 'public.test')?.pins).toEqual([pki.aTest.pin])
    const rule = savedRule(app, 'public.test')
    expect(rule?.trust).toBe('ca')
    expect(rule?.pinNotes?.[0]?.label).toContain('a.test')
    expect(rule?.pinNotes?.[0]?.addedAt).toBeGreaterThanOrEqual(before)
    await expect.poll(() => byId(page, 'probe-pin').innerText(), { timeout: 20_000 }).toMatch(/matched/)
    expect(await byId(page, 'probe-verdict').innerText()).toMatch(/Certificate verified/)
  }, 90_000)

  it("the probe keeps the rule's port, for a new rule and a saved one", async () => {
    app = await openApp({ transport })
    const { page } = app
    const port = String(verified.port)
    await fillHostRule(app, { pattern: 'ported.test', port, addresses: '127.0.0.1', sni: 'a.test', ca: pki.rootPem })
    await expect.poll(() => byId(page, 'host-probe-url').inputValue()).toBe(`https://ported.test:${port}/`)
    await byId(page, 'host-save').click()
    await visible(hostRow(app, 'ported.test'))

    // Opened again from the table, the rule probes its own port.
    await byId(page, 'host-add').click()
    await hostRow(app, 'ported.test').click()
    await expect.poll(() => byId(page, 'host-probe-url').inputValue()).toBe(`https://ported.test:${port}/`)
    await probeUntilChain(app, pki.aTest.pin)
    expect(await byId(page, 'probe-verdict').innerText()).toMatch(/Certificate verified/)
    expect(await byId(page, 'probe-result').innerText()).toContain(`127.0.0.1:${port}`)
  }, 60_000)

  it('pins carry a label and the date they were added, in the table and the form; older rules still load', async () => {
    app = await openApp({
      transport,
      // A rule as saved before pins had labels: it must load, and gain a label when edited.
      seed: (core) =>
        void core.store.hostRules.upsert({
          pattern: 'old.test',
          addresses: ['127.0.0.1'],
          pins: [pki.bTest.pin],
          pinMode: 'enforce',
          trust: 'ca',
        }),
    })
    const { page } = app
    await byId(page, 'tab-hosts').click()
    await hostRow(app, 'old.test').click()
    const items = byId(page, 'host-pin-item')
    await expect.poll(() => items.count()).toBe(1)
    expect(await items.first().innerText()).toContain(pki.bTest.pin)

    // A label for the old pin, and a second pin typed by hand.
    await setField(items.first().getByTestId('host-pin-label'), 'backup key')
    await setField(byId(page, 'host-pins'), `sha256//${pki.bTest.pin}\nsha256//${pki.aTest.pin}`)
    await expect.poll(() => items.count()).toBe(2)
    await setField(items.nth(1).getByTestId('host-pin-label'), 'current key')
    const before = Date.now()
    await byId(page, 'host-save').click()
    await expect.poll(() => savedRule(app as App, 'old.test')?.pinNotes?.length).toBe(2)
    const notes = savedRule(app, 'old.test')?.pinNotes ?? []
    expect(notes.map((n) => [n.pin, n.label])).toEqual([
      [pki.bTest.pin, 'backup key'],
      [pki.aTest.pin, 'current key'],
    ])
    // The old pin's date was never recorded and is not made up; the new one is dated when saved.
    expect(notes[0]?.addedAt).toBeUndefined()
    expect(notes[1]?.addedAt).toBeGreaterThanOrEqual(before)
    expect(notes[1]?.addedAt).toBeLessThanOrEqual(Date.now())
    const day = shownDate(notes[1]?.addedAt ?? 0)

    const rowText = () => hostRow(app as App, 'old.test').innerText()
    await expect.poll(rowText).toContain('backup key')
    expect(await rowText()).toContain('current key')
    expect(await rowText()).toContain(day)
    await expect.poll(() => items.nth(1).innerText()).toContain(day)
    expect(await items.first().innerText()).toMatch(/not recorded/)
    await app.screenshot('hosts-pin-labels')
  }, 60_000)

  it('at 800×600 and 1920×1080 the rules table and the form never overlap', async () => {
    const addresses = Array.from({ length: 12 }, (_, i) => `2001:db8:4006:812::${(i + 0x200e).toString(16)}`)
    app = await openApp({
      transport,
      viewport: { width: 800, height: 600 },
      seed: (core) => {
        core.store.hostRules.upsert({
          pattern: 'downloads.very-long-subdomain-name.example.com',
          port: 8443,
          addresses,
          sni: 'origin.very-long-subdomain-name.example.com',
          pins: [pki.aTest.pin, pki.bTest.pin],
          pinNotes: [{ pin: pki.aTest.pin, label: 'current key, checked with the admin', addedAt: Date.now() }],
          pinMode: 'enforce',
          trust: 'ca',
        })
        core.store.hostRules.upsert({
          pattern: 'nas.home.arpa',
          addresses: ['192.168.1.20'],
          pins: [],
          pinMode: 'enforce',
          trust: 'ca',
        })
      },
    })
    const { page } = app
    await byId(page, 'tab-hosts').click()
    await hostRow(app, 'nas.home.arpa').click()
    await visible(byId(page, 'host-form'))
    for (const size of [
      { width: 800, height: 600 },
      { width: 1920, height: 1080 },
    ]) {
      await page.setViewportSize(size)
      const table = await byId(page, 'host-rules').boundingBox()
      const form = await byId(page, 'host-editor').boundingBox()
      expect(table).not.toBeNull()
      expect(form).not.toBeNull()
      expect(overlaps(table!, form!), `${size.width}×${size.height}: ${JSON.stringify({ table, form })}`).toBe(false)
      // Nothing sticks out of the window sideways either: the page itself never scrolls horizontally.
      expect(await page.evaluate('document.documentElement.scrollWidth')).toBeLessThanOrEqual(size.width)
      // Opening the rule scrolled its form into view; the picture shows the table above it.
      await page.evaluate("document.querySelector('.tab-panel').scrollTo(0, 0)")
      await app.screenshot(`hosts-${size.width}x${size.height}`)
    }
  }, 60_000)

  it('unsaved edits survive a tab switch, for a new rule and a saved one', async () => {
    app = await openApp({
      transport,
      seed: (core) =>
        void core.store.hostRules.upsert({
          pattern: 'kept.test',
          addresses: ['127.0.0.1'],
          pins: [],
          pinMode: 'enforce',
          trust: 'ca',
        }),
    })
    const { page } = app
    await fillHostRule(app, { pattern: 'draft.test', addresses: '10.0.0.7' })
    await byId(page, 'tab-transfers').click()
    await visible(byId(page, 'add-button'))
    // The Hosts tab says that it holds unsaved changes.
    expect(await byId(page, 'tab-hosts').innerText()).toContain('•')
    await byId(page, 'tab-hosts').click()
    expect(await byId(page, 'host-pattern').inputValue()).toBe('draft.test')
    expect(await byId(page, 'host-addresses').inputValue()).toBe('10.0.0.7')

    // Opening another rule over unsaved edits asks first; staying keeps them.
    await hostRow(app, 'kept.test').click()
    await visible(byId(page, 'discard-draft'))
    await byId(page, 'discard-draft-no').click()
    expect(await byId(page, 'host-pattern').inputValue()).toBe('draft.test')
    await hostRow(app, 'kept.test').click()
    await byId(page, 'discard-draft-yes').click()
    await expect.poll(() => byId(page, 'host-pattern').inputValue()).toBe('kept.test')

    await setField(byId(page, 'host-addresses'), '127.0.0.2')
    await byId(page, 'tab-settings').click()
    await byId(page, 'tab-hosts').click()
    expect(await byId(page, 'host-addresses').inputValue()).toBe('127.0.0.2')
    await byId(page, 'host-save').click()
    await expect.poll(() => savedRule(app as App, 'kept.test')?.addresses).toEqual(['127.0.0.2'])
    await expect.poll(() => byId(page, 'hosts-unsaved').count()).toBe(0)
  }, 60_000)
})
