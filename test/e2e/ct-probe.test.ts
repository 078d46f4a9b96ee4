import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'

import { installLogList } from '../../electron/transport/ct/log-list-store.ts'
import { issueCtLeaf, makeTestLog, testLogList, type TestLog } from '../fixtures/ct-pki.ts'
import { makePki, type Pki } from '../fixtures/pki.ts'
import { startTlsHttpServer, type TlsHttpServer } from '../fixtures/tls-http-server.ts'
import { makeTempDir, removeTempDir } from '../fixtures/temp-dir.ts'
import { colourOf, pageColour } from './harness/details.ts'
import { fillHostRule, probeUntilChain } from './harness/hosts-ui.ts'
import { closeApp, openApp, transports, type App } from './harness/open-app.ts'
import { byId, setField, visible } from './harness/ui.ts'

// The Hosts view's probe with a CT log list installed: the server's leaf carries SCTs from two logs of one
// operator, so it fails the policy, and the probe panel shows that verdict and each SCT (not "no log list").
let pki: Pki
let logs: TestLog[]
let leafPin: string
let server: TlsHttpServer
let app: App | undefined
const stateDirs: string[] = []

beforeAll(async () => {
  pki = await makePki()
  logs = [
    makeTestLog('Test Log A', 'Operator One', 'ec'),
    makeTestLog('Test Log B', 'Operator Two', 'rsa'),
    makeTestLog('Test Log C', 'Operator One', 'ec'),
  ]
  const [a, , c] = logs as [TestLog, TestLog, TestLog]
  const leaf = await issueCtLeaf(pki, { name: 'probe', altNames: ['DNS:ct.test'], scts: [{ log: a }, { log: c }] })
  server = await startTlsHttpServer({ default: { keyPem: leaf.keyPem, chainPem: leaf.chainPem } })
  const { createHash, createPublicKey } = await import('node:crypto')
  const spki = createPublicKey(leaf.keyPem).export({ type: 'spki', format: 'der' })
  leafPin = createHash('sha256').update(spki).digest('base64')
}, 60_000)
afterAll(async () => {
  await server?.close()
  for (const d of stateDirs) await removeTempDir(d)
})
afterEach(async () => {
  const closing = app
  app = undefined
  await closeApp(closing)
})

async function stateWithList(): Promise<string> {
  const dir = await makeTempDir('e2e-ct-probe')
  stateDirs.push(dir)
  installLogList(dir, testLogList(logs), Buffer.from('sig'), { url: 'https://list.test/', at: new Date() })
  return dir
}

describe.each(transports)('the probe panel shows Certificate Transparency (%s)', (transport) => {
  it('an enforced policy the certificate fails: the verdict in red and each SCT', async () => {
    app = await openApp({ transport, stateDir: await stateWithList() })
    const { page } = app
    await fillHostRule(app, { pattern: 'ct.test', port: String(server.port), addresses: '127.0.0.1', ca: pki.rootPem })
    await setField(byId(page, 'host-ct'), 'enforce')
    await setField(byId(page, 'host-probe-url'), server.url('/', 'ct.test'))
    // Refused before any request byte: the report carries the verdict and the SCTs of the refused handshake.
    await byId(page, 'host-probe').click()
    const result = await visible(byId(page, 'probe-result'), 20_000)
    await expect.poll(() => byId(page, 'probe-verdict').innerText()).toContain('CT_FAILED')
    const verdict = result.getByTestId('connection-ct')
    await expect.poll(() => verdict.innerText()).toContain('policy not met (enforced)')
    expect(await verdict.innerText()).toContain('2 valid SCTs from 1 operator')
    expect(await colourOf(verdict)).toBe(await pageColour(page, '--bad'))
    const scts = result.getByTestId('connection-sct')
    expect(await scts.count()).toBe(2)
    expect(await scts.nth(0).innerText()).toContain('Test Log A (Operator One)')
    expect(await scts.nth(1).innerText()).toContain('Test Log C (Operator One)')
    await scts.nth(1).scrollIntoViewIfNeeded()
    await app.screenshot('probe-ct')
  }, 90_000)

  it("report mode with the rule's own CA: not applicable, private CA, SCTs still listed", async () => {
    app = await openApp({ transport, stateDir: await stateWithList() })
    const { page } = app
    await fillHostRule(app, { pattern: 'ct.test', port: String(server.port), addresses: '127.0.0.1', ca: pki.rootPem })
    await setField(byId(page, 'host-probe-url'), server.url('/', 'ct.test'))
    const result = await probeUntilChain(app, leafPin)
    await expect.poll(() => result.getByTestId('connection-ct').innerText()).toContain('not applicable: private CA')
    expect(await result.getByTestId('connection-sct').count()).toBe(2)
  }, 90_000)
})
