import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'

import { installLogList } from '../../electron/transport/ct/log-list-store.ts'
import { HostRule, type HostRuleInput } from '../../shared/domain.ts'
import type { Core } from '../../electron/app-core.ts'
import { issueCtLeaf, makeTestLog, testLogList, type CtLeaf, type TestLog } from '../fixtures/ct-pki.ts'
import { makePki, type Pki } from '../fixtures/pki.ts'
import { startTlsHttpServer, type TlsHttpServer } from '../fixtures/tls-http-server.ts'
import { makeTempDir, removeTempDir } from '../fixtures/temp-dir.ts'
import { closeApp, openApp, transports, type App } from './harness/open-app.ts'
import { expectRowState, row } from './harness/ui.ts'
import { colourOf, detailsOf, expandGroups, pageColour } from './harness/details.ts'

// The SCTs a server's certificate carries and the CT verdict, in the details pane's connection history: the
// server's leaf has SCTs from two logs of one operator, so it fails the policy. Its CA is the rule's own (a
// private CA), so in report mode the download completes and the verdict is "not applicable" (no colour), as
// Chrome exempts locally trusted roots; in enforce mode it is refused before any request byte.
let pki: Pki
let logs: TestLog[]
let leaf: CtLeaf
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
  leaf = await issueCtLeaf(pki, { name: 'e2e', altNames: ['DNS:ct.test'], scts: [{ log: a }, { log: c }] })
  server = await startTlsHttpServer({ default: { keyPem: leaf.keyPem, chainPem: leaf.chainPem } })
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
  const dir = await makeTempDir('e2e-ct-state')
  stateDirs.push(dir)
  installLogList(dir, testLogList(logs), Buffer.from('sig'), { url: 'https://list.test/', at: new Date() })
  return dir
}

const seedRule = (rule: HostRuleInput) => (core: Core) => void core.store.hostRules.upsert(HostRule.parse(rule))
const rule = { pattern: 'ct.test', addresses: ['127.0.0.1'] }

describe.each(transports)('Certificate Transparency in the connection history (%s)', (transport) => {
  it('report mode: the download completes and each SCT and the verdict are shown', async () => {
    app = await openApp({ transport, stateDir: await stateWithList(), seed: seedRule({ ...rule, ca: pki.rootPem }) })
    const result = await app.core.add([server.url('/report.bin', 'ct.test')])
    const id = result.added[0]?.id as number
    await expectRowState(app.page, id, 'completed')
    await row(app.page, id).click()
    const details = await detailsOf(app.page)
    await expandGroups(details)
    const verdict = details.getByTestId('connection-ct').first()
    await expect.poll(() => verdict.innerText()).toContain('not applicable: private CA')
    expect(await colourOf(verdict)).not.toBe(await pageColour(app.page, '--warn'))
    const scts = details.getByTestId('connection-scts').first().getByTestId('connection-sct')
    expect(await scts.count()).toBe(2)
    expect(await scts.nth(0).innerText()).toMatch(/^Test Log A \(Operator One\), \d{4}-\d\d-\d\d .* UTC: valid$/)
    expect(await scts.nth(1).innerText()).toContain('Test Log C (Operator One)')
    expect(await colourOf(scts.nth(0))).toBe(await pageColour(app.page, '--ok'))
    await scts.nth(1).scrollIntoViewIfNeeded()
    await app.screenshot('details-ct')
  }, 90_000)

  it('enforce mode: the transfer fails with CT_FAILED and the server got no request byte', async () => {
    app = await openApp({
      transport,
      stateDir: await stateWithList(),
      seed: seedRule({ ...rule, ca: pki.rootPem, ct: 'enforce' }),
    })
    server.reset()
    const result = await app.core.add([server.url('/enforce.bin', 'ct.test')])
    const id = result.added[0]?.id as number
    await expectRowState(app.page, id, 'failed')
    expect(app.core.store.transfers.get(id)?.errorCode).toBe('CT_FAILED')
    await server.whenIdle()
    expect(server.stats.totalRequestBytes).toBe(0)
    await row(app.page, id).click()
    const details = await detailsOf(app.page)
    await expandGroups(details)
    const verdict = details.getByTestId('connection-ct').first()
    await expect.poll(() => verdict.innerText()).toContain('policy not met (enforced)')
    expect(await colourOf(verdict)).toBe(await pageColour(app.page, '--bad'))
    await verdict.scrollIntoViewIfNeeded()
    await app.screenshot('details-ct-enforced')
  }, 90_000)
})
