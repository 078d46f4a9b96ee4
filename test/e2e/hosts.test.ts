import { readFile } from 'node:fs/promises'

import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'

import { makePayload, sha256 } from '../fixtures/payload.ts'
import { makePki, type Pki } from '../fixtures/pki.ts'
import { startTlsHttpServer, type RequestHandler, type TlsHttpServer } from '../fixtures/tls-http-server.ts'
import { openApp, transports, type App, closeApp } from './harness/open-app.ts'
import { byId, expectRowState, openAddDialog, row, setField, transferIdFor, visible } from './harness/ui.ts'

// Host rules made in the UI and used by real TLS downloads. The server speaks only under names in the test's
// own PKI (a.test, default.test) and those names do not resolve, so a download that completes went where the
// rule said, presented the SNI it said and trusted what it said.
let pki: Pki
let tlsServer: TlsHttpServer
let app: App | undefined
const body = makePayload(512 * 1024, 81)

/** Serves `body` at every path, honouring a single byte range as a segmented download asks for. */
const serveBody: RequestHandler = (req) => {
  const range = /^bytes=(\d+)-(\d*)$/.exec(req.headers['range'] ?? '')
  const headers = { 'content-type': 'application/octet-stream', 'accept-ranges': 'bytes', etag: '"e2e-body"' }
  if (!range) return { status: 200, headers, body }
  const start = Number(range[1])
  const end = range[2] ? Math.min(Number(range[2]), body.length - 1) : body.length - 1
  return {
    status: 206,
    headers: { ...headers, 'content-range': `bytes ${start}-${end}/${body.length}` },
    body: body.subarray(start, end + 1),
  }
}

beforeAll(async () => {
  pki = await makePki()
  tlsServer = await startTlsHttpServer({ default: pki.defaultLeaf, sni: { 'a.test': pki.aTest }, handler: serveBody })
}, 60_000)
afterAll(async () => {
  await tlsServer.close()
})
afterEach(async () => {
  const closing = app
  app = undefined
  await closeApp(closing)
})

interface RuleForm {
  pattern: string
  addresses: string
  sni?: string
  pins?: string
  mode?: 'enforce' | 'report'
  trust?: 'ca' | 'pin'
  ca?: string
}

/** Open the hosts tab and a new rule, and fill in the fields given (the rule is not saved yet). */
async function fillRule(a: App, rule: RuleForm): Promise<void> {
  const { page } = a
  await byId(page, 'tab-hosts').click()
  await visible(byId(page, 'host-rules'))
  await byId(page, 'host-add').click()
  await setField(byId(page, 'host-pattern'), rule.pattern)
  await setField(byId(page, 'host-addresses'), rule.addresses)
  if (rule.sni !== undefined) await setField(byId(page, 'host-sni'), rule.sni)
  if (rule.pins !== undefined) await setField(byId(page, 'host-pins'), rule.pins)
  if (rule.mode !== undefined) await setField(byId(page, 'host-mode'), rule.mode)
  if (rule.trust !== undefined) await setField(byId(page, 'host-trust'), rule.trust)
  if (rule.ca !== undefined) await setField(byId(page, 'host-ca'), rule.ca)
}

/** Save the rule on screen and wait until the core has it and the list shows it. */
async function saveRule(a: App, pattern: string): Promise<void> {
  await byId(a.page, 'host-save').click()
  await visible(a.page.locator(`[data-testid="host-rule"][data-pattern="${pattern}"]`))
  expect(a.core.store.hostRules.list().map((r) => r.pattern)).toContain(pattern)
}

/** Add one URL from the transfers tab and return its transfer id. */
async function download(a: App, url: string): Promise<number> {
  await byId(a.page, 'tab-transfers').click()
  await openAddDialog(a.page, url)
  await byId(a.page, 'add-submit').click()
  return transferIdFor(a.core, url)
}

describe.each(transports)('host rules (%s)', (transport) => {
  it('a rule with an address and an SNI is used by a download', async () => {
    app = await openApp({ transport })
    await fillRule(app, { pattern: 'files.test', addresses: '127.0.0.1', sni: 'a.test', ca: pki.rootPem })
    await saveRule(app, 'files.test')
    expect(app.core.store.hostRules.list()[0]).toMatchObject({ addresses: ['127.0.0.1'], sni: 'a.test' })

    tlsServer.reset()
    const url = tlsServer.url('/files/release.bin', 'files.test')
    const id = await download(app, url)
    await expectRowState(app.page, id, 'completed')
    expect(sha256(await readFile(app.core.store.transfers.get(id)?.savedPath as string))).toBe(sha256(body))
    expect(tlsServer.stats.sniSeen.length).toBeGreaterThan(0)
    expect(new Set(tlsServer.stats.sniSeen)).toEqual(new Set(['a.test']))

    // The details show where it connected and what it was shown.
    await row(app.page, id).click()
    const details = await visible(byId(app.page, 'details-pane'))
    const info = await visible(details.getByTestId('connection-info'))
    await expect.poll(() => info.innerText()).toContain('127.0.0.1')
    expect(await info.innerText()).toContain('a.test')
    await expect.poll(() => details.getByTestId('cert-chain').innerText()).toContain('Pinpoint Test Intermediate')
    await visible(details.getByTestId('segments-bar'))
    await visible(details.getByTestId('event-log'))
    await app.screenshot('details')
  }, 60_000)

  it('a pin that does not match fails the transfer with an error that says so', async () => {
    app = await openApp({ transport })
    // b.test's key, while the server presents a.test's: a mismatch under an otherwise valid chain.
    await fillRule(app, {
      pattern: 'pinned.test',
      addresses: '127.0.0.1',
      sni: 'a.test',
      ca: pki.rootPem,
      pins: `sha256//${pki.bTest.pin}`,
      mode: 'enforce',
    })
    await saveRule(app, 'pinned.test')
    tlsServer.reset()
    const id = await download(app, tlsServer.url('/pinned.bin', 'pinned.test'))
    await expectRowState(app.page, id, 'failed')
    expect(app.core.store.transfers.get(id)?.errorCode).toBe('PIN_MISMATCH')
    const error = await visible(row(app.page, id).getByTestId('transfer-error'))
    expect(await error.innerText()).toMatch(/pin/i)
    // Nothing was asked of a server whose key did not match.
    expect(tlsServer.stats.requests.filter((r) => r.path === '/pinned.bin')).toEqual([])
  }, 60_000)

  it('probe, then pin the key shown (a private CA): one confirmed step saves it, and the next download passes', async () => {
    app = await openApp({ transport })
    const { page } = app
    // No CA for this host: the user trusts the key they saw, which is what trust "pin" is for.
    await fillRule(app, { pattern: 'probe.test', addresses: '127.0.0.1', sni: 'a.test' })
    const url = tlsServer.url('/probed.bin', 'probe.test')
    await setField(byId(page, 'host-probe-url'), url)
    await byId(page, 'host-probe').click()
    const result = await visible(byId(page, 'probe-result'), 20_000)
    const chain = result.getByTestId('cert-chain')
    await expect.poll(() => chain.innerText(), { timeout: 20_000 }).toContain(pki.aTest.pin)
    expect(await chain.innerText()).toContain(pki.intermediate.pin)
    await app.screenshot('hosts-probe')

    // Under a chain that does not verify only the leaf's key can vouch for the server: the intermediate's pin
    // is not offered as trust.
    await result.getByTestId('pin-this-key').nth(1).click()
    await visible(byId(page, 'confirm-pin'))
    expect(await byId(page, 'confirm-pin-trust').count()).toBe(0)
    await byId(page, 'confirm-pin-no').click()
    await expect.poll(() => byId(page, 'confirm-pin').count()).toBe(0)
    expect(app.core.store.hostRules.list()).toEqual([])

    await result.getByTestId('pin-this-key').first().click()
    await visible(byId(page, 'confirm-pin'))
    // The chain does not verify (no CA for it): the confirmation offers trust by the key and saves the rule.
    expect(await byId(page, 'confirm-pin-trust').isChecked()).toBe(true)
    await byId(page, 'confirm-pin-yes').click()
    await expect.poll(() => byId(page, 'host-pins').inputValue()).toContain(pki.aTest.pin)
    await visible(page.locator('[data-testid="host-rule"][data-pattern="probe.test"]'))
    await expect
      .poll(() => app?.core.store.hostRules.list().find((r) => r.pattern === 'probe.test'))
      .toMatchObject({ pins: [pki.aTest.pin], trust: 'pin' })
    await expect
      .poll(() => byId(page, 'probe-verdict').innerText(), { timeout: 20_000 })
      .toContain('Trusted by pinned key (not verified by a CA)')

    const id = await download(app, url)
    await expectRowState(page, id, 'completed')
    expect(sha256(await readFile(app.core.store.transfers.get(id)?.savedPath as string))).toBe(sha256(body))
  }, 60_000)
})
