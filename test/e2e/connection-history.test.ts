import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'

import type { Core } from '../../electron/app-core.ts'
import { HostRule, type HostRuleInput } from '../../shared/domain.ts'
import { startFaultServer, type FaultServer } from '../fixtures/fault-server.ts'
import { makePayload } from '../fixtures/payload.ts'
import { makePki, type Pki } from '../fixtures/pki.ts'
import { startTlsHttpServer, type RequestHandler, type TlsHttpServer } from '../fixtures/tls-http-server.ts'
import { makeTempDir, removeTempDir } from '../fixtures/temp-dir.ts'
import { closeApp, openApp, transports, type App } from './harness/open-app.ts'
import { byId, expectRowState, row, visible } from './harness/ui.ts'
import { colourOf, detailsOf, expandGroups, pageColour } from './harness/details.ts'

// A transfer's own connection history in its details: persisted with it, grouped, honest in words and colour,
// and for a transfer that failed, the certificate it refused. The server speaks only under names of the test's
// own PKI, which do not resolve: host rules send each download to 127.0.0.1 with the SNI they name.
let pki: Pki
let tlsServer: TlsHttpServer
let plain: FaultServer
let app: App | undefined
const stateDirs: string[] = []
const body = makePayload(3 * 1024 * 1024, 91)

/** Serves `body` at every path, honouring a single byte range, so a download is split over connections. */
const serveBody: RequestHandler = (req) => {
  const range = /^bytes=(\d+)-(\d*)$/.exec(req.headers['range'] ?? '')
  const headers = { 'content-type': 'application/octet-stream', 'accept-ranges': 'bytes', etag: '"history"' }
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
  tlsServer = await startTlsHttpServer({
    default: pki.defaultLeaf,
    sni: { 'a.test': pki.aTest, 'b.test': pki.bTest, 'self.test': pki.selfSigned },
    handler: serveBody,
  })
  plain = await startFaultServer()
  plain.serve('/plain.bin', { body: body.subarray(0, 64 * 1024) })
}, 60_000)
afterAll(async () => {
  await tlsServer.close()
  await plain.close()
  for (const d of stateDirs) await removeTempDir(d)
})
afterEach(async () => {
  const closing = app
  app = undefined
  await closeApp(closing)
})

/** A rule saved before the page loads (the page reads the rules at start). */
const seedRule = (rule: HostRuleInput) => (core: Core) => void core.store.hostRules.upsert(HostRule.parse(rule))

/** A rule saved as the hosts view saves one, so the page's mirror hears of it. */
async function saveRule(a: App, rule: HostRuleInput): Promise<void> {
  await a.core.ipc.dispatcher.handle('hosts:upsert', { rule }, a.pageUrl)
}

/** Add a URL through the one add path and return its id. */
async function add(a: App, url: string): Promise<number> {
  const result = await a.core.add([url])
  const id = result.added[0]?.id
  expect(id, JSON.stringify(result.rejected)).toBeDefined()
  return id as number
}

describe.each(transports)('connection history (%s)', (transport) => {
  it('is kept with the transfer across a restart, grouped, and opens to each connection and its chain', async () => {
    const stateDir = await makeTempDir('e2e-history-state')
    stateDirs.push(stateDir)
    const rule = { pattern: 'files.test', addresses: ['127.0.0.1'], sni: 'a.test', ca: pki.rootPem }
    app = await openApp({ transport, stateDir, seed: seedRule({ ...rule, pins: [`sha256//${pki.aTest.pin}`] }) })
    const url = tlsServer.url('/release.bin', 'files.test')
    const id = await add(app, url)
    await expectRowState(app.page, id, 'completed')
    const recorded = app.core.store.connections.list(id).length
    expect(recorded).toBeGreaterThan(1)
    await closeApp(app)
    app = undefined

    // The same state folder, a new core: nothing of the first run is in memory.
    app = await openApp({ transport, stateDir })
    await row(app.page, id).click()
    const details = await detailsOf(app.page)
    const group = details.getByTestId('connection-group')
    await expect.poll(() => group.count()).toBe(1)
    const summary = await group.getByTestId('connection-group-summary').innerText()
    expect(summary).toBe(`${recorded} connections to 127.0.0.1 (SNI a.test), TLS 1.3, pin matched`)
    const verdict = group.getByTestId('connection-verdict')
    expect(await verdict.innerText()).toBe('Verified, pin matched')
    expect(await colourOf(verdict)).toBe(await pageColour(app.page, '--ok'))

    await expandGroups(details)
    await expect.poll(() => group.getByTestId('connection').count()).toBe(recorded)
    const first = group.getByTestId('connection').first()
    expect(await first.innerText()).toMatch(/connect \d+ ms, TLS \d+ ms, first byte \d+ ms/)
    await first.locator('.conn-chain > summary').click()
    const chain = await visible(first.getByTestId('connection-chain'))
    expect(await chain.innerText()).toContain(pki.aTest.pin)
    expect(await chain.innerText()).toContain(pki.intermediate.pin)
    await app.screenshot('details-history')
  }, 90_000)

  it('a pin mismatch shows the certificate it refused, not an earlier one, and "Pin this key…" fixes it', async () => {
    app = await openApp({ transport })
    const { page, core } = app
    // An earlier download of the same URL, under another certificate (b.test's), which a per-URL cache kept.
    const rule = { pattern: 'pinned.test', addresses: ['127.0.0.1'], ca: pki.rootPem }
    await saveRule(app, { ...rule, sni: 'b.test', pins: [`sha256//${pki.bTest.pin}`] })
    const url = tlsServer.url('/pinned.bin', 'pinned.test')
    const earlier = await add(app, url)
    await expectRowState(page, earlier, 'completed')
    // Another row after it, so the new transfer does not take the removed one's id (SQLite reuses the highest).
    core.queue.add({ url: tlsServer.url('/other.bin', 'pinned.test'), dir: app.downloadDir, split: 1, paused: true })
    await core.queue.remove([earlier], true)

    // Now the server presents a.test's key, which no pin matches.
    await saveRule(app, { ...rule, sni: 'a.test', pins: [`sha256//${pki.bTest.pin}`] })
    tlsServer.reset()
    const id = await add(app, url)
    await expectRowState(page, id, 'failed')
    expect(core.store.transfers.get(id)?.errorCode).toBe('PIN_MISMATCH')
    expect(tlsServer.stats.totalRequestBytes).toBe(0)

    await row(page, id).click()
    const details = await detailsOf(page)
    const refused = await visible(details.getByTestId('refused-cert'))
    expect(await refused.innerText()).toContain('Refused certificate: pin mismatch')
    const chain = refused.getByTestId('refused-chain')
    expect(await chain.innerText()).toContain(pki.aTest.pin)
    expect(await details.innerText()).not.toContain(pki.bTest.pin.slice(0, 20))
    const pinned = refused.getByTestId('connection-pinned')
    expect(await pinned.innerText()).toBe('no: mismatch')
    expect(await colourOf(pinned)).toBe(await pageColour(page, '--bad'))
    expect(await details.innerText()).not.toMatch(/Pinned\s*yes/)
    const group = details.getByTestId('connection-group')
    expect(await group.getByTestId('connection-group-summary').innerText()).toBe(
      '1 connection to 127.0.0.1 (SNI a.test), TLS 1.3, refused: pin mismatch',
    )
    expect(await group.getAttribute('data-tone')).toBe('bad')
    await app.screenshot('details-refused')

    // Pin the refused leaf key, behind the confirmation, then retry: the download passes under it.
    await chain.getByTestId('pin-this-key').first().click()
    await visible(byId(page, 'confirm-pin'))
    await byId(page, 'confirm-pin-yes').click()
    await visible(refused.getByTestId('refused-cert-pinned'))
    const saved = core.store.hostRules.list().find((r) => r.pattern === 'pinned.test')
    expect(saved).toMatchObject({ sni: 'a.test', pins: [pki.bTest.pin, pki.aTest.pin], trust: 'ca' })
    await refused.getByTestId('refused-cert-retry').click()
    await expectRowState(page, id, 'completed')
    await expect.poll(() => details.getByTestId('event-log').innerText()).toContain('retried by the user')
  }, 90_000)

  it('an untrusted certificate shows the chain it refused; pinning its key trusts that server by it', async () => {
    app = await openApp({
      transport,
      seed: seedRule({ pattern: 'nas.test', addresses: ['127.0.0.1'], sni: 'self.test' }),
    })
    const { page, core } = app
    tlsServer.reset()
    const id = await add(app, tlsServer.url('/nas.tar', 'nas.test'))
    await expectRowState(page, id, 'failed')
    expect(core.store.transfers.get(id)?.errorCode).toBe('TLS_UNTRUSTED')
    expect(tlsServer.stats.totalRequestBytes).toBe(0)
    await row(page, id).click()
    const refused = await visible((await detailsOf(page)).getByTestId('refused-cert'))
    expect(await refused.innerText()).toContain('Refused certificate: certificate not trusted')
    const certificate = refused.getByTestId('connection-certificate')
    expect(await certificate.innerText()).toMatch(
      /^self-signed, not from a trusted CA \(DEPTH_ZERO_SELF_SIGNED_CERT\)$/,
    )
    expect(await colourOf(certificate)).toBe(await pageColour(page, '--bad'))
    const chain = refused.getByTestId('refused-chain')
    expect(await chain.innerText()).toContain(pki.selfSigned.pin)

    await chain.getByTestId('pin-this-key').click()
    await visible(byId(page, 'confirm-pin'))
    await byId(page, 'confirm-pin-yes').click()
    await visible(refused.getByTestId('refused-cert-pinned'))
    expect(core.store.hostRules.list().find((r) => r.pattern === 'nas.test')).toMatchObject({
      sni: 'self.test',
      pins: [pki.selfSigned.pin],
      trust: 'pin',
    })
    await refused.getByTestId('refused-cert-retry').click()
    await expectRowState(page, id, 'completed')
  }, 90_000)

  it('trusted by a pinned key reads so in green; plain HTTP is quiet, not an error', async () => {
    app = await openApp({
      transport,
      seed: seedRule({
        pattern: 'nas.test',
        addresses: ['127.0.0.1'],
        sni: 'self.test',
        trust: 'pin',
        pins: [`sha256//${pki.selfSigned.pin}`],
      }),
    })
    const { page } = app
    const id = await add(app, tlsServer.url('/backup.tar', 'nas.test'))
    await expectRowState(page, id, 'completed')
    await row(page, id).click()
    const details = await detailsOf(page)
    const verdict = details.getByTestId('connection-verdict')
    await expect.poll(() => verdict.first().innerText()).toBe('Trusted by pinned key (self-signed)')
    expect(await colourOf(verdict.first())).toBe(await pageColour(page, '--ok'))
    await expandGroups(details)
    const text = await details.getByTestId('connection-info').innerText()
    expect(text).not.toMatch(/Verified\s*no/i)
    expect(text).not.toContain('✗')
    const trust = details.getByTestId('connection-trust').first()
    expect(await colourOf(trust)).toBe(await pageColour(page, '--ok'))
    expect(await details.getByTestId('connection-pinned').first().innerText()).toBe('yes, matched')
    await app.screenshot('details-trusted-by-pin')

    const plainId = await add(app, plain.url('/plain.bin'))
    await expectRowState(page, plainId, 'completed')
    await row(page, plainId).click()
    const plainVerdict = details.getByTestId('connection-verdict').first()
    await expect.poll(() => plainVerdict.innerText()).toBe('Not encrypted (plain HTTP)')
    expect(await colourOf(plainVerdict)).toBe(await pageColour(page, '--muted'))
    expect(await colourOf(plainVerdict)).not.toBe(await pageColour(page, '--bad'))
  }, 90_000)

  it("the user's pause and resume are in the transfer's event log", async () => {
    const slow = body.subarray(0, 2 * 1024 * 1024)
    plain.serve('/slow.bin', { body: slow, faults: { rateBytesPerSec: 256 * 1024 } })
    app = await openApp({ transport })
    const { page } = app
    const id = await add(app, plain.url('/slow.bin'))
    await expectRowState(page, id, 'downloading')
    await row(page, id).click()
    await byId(page, 'action-pause').click()
    await expectRowState(page, id, 'paused')
    plain.setFaults('/slow.bin', {})
    await byId(page, 'action-resume').click()
    await expectRowState(page, id, 'completed')
    const log = (await detailsOf(page)).getByTestId('event-log')
    await expect.poll(() => log.innerText()).toContain('paused by the user')
    expect(await log.innerText()).toContain('resumed by the user')
    await app.screenshot('details-event-log')
  }, 60_000)
})
