import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'

import { installLogList } from '../../../electron/transport/ct/log-list-store.ts'
import type { HostRule } from '../../../shared/domain.ts'
import { issueCtLeaf, makeTestLog, testLogList, type TestLog } from '../../fixtures/ct-pki.ts'
import { makePki, type Pki } from '../../fixtures/pki.ts'
import { startTlsHttpServer, type TlsHttpServer } from '../../fixtures/tls-http-server.ts'
import { makeIpcHarness, type IpcHarness } from './ipc-harness.ts'

// The Hosts view's probe and checks and the add dialog's preview connect as a download does: with the log list
// installed in the state folder, a certificate logged by one operator fails an enforced CT policy there too.
let pki: Pki
let logs: TestLog[]
let server: TlsHttpServer
let h: IpcHarness | undefined

beforeAll(async () => {
  pki = await makePki()
  const [a, , c] = (logs = [
    makeTestLog('Test Log A', 'Operator One', 'ec'),
    makeTestLog('Test Log B', 'Operator Two', 'ec'),
    makeTestLog('Test Log C', 'Operator One', 'ec'),
  ]) as [TestLog, TestLog, TestLog]
  const oneOperator = await issueCtLeaf(pki, {
    name: 'oneop',
    altNames: ['DNS:oneop.test'],
    scts: [{ log: a }, { log: c }],
  })
  server = await startTlsHttpServer({ default: { keyPem: oneOperator.keyPem, chainPem: oneOperator.chainPem } })
}, 60_000)
afterEach(async () => {
  await h?.close()
  h = undefined
})
afterAll(async () => {
  await server?.close()
})

const rule = (): HostRule => ({
  pattern: 'oneop.test',
  addresses: ['127.0.0.1'],
  pins: [],
  pinMode: 'enforce',
  trust: 'ca',
  ca: pki.rootPem,
  ct: 'enforce',
})

async function harnessWithList(): Promise<IpcHarness> {
  const harness = await makeIpcHarness()
  installLogList(harness.stateDir, testLogList(logs), Buffer.from('sig'), {
    url: 'https://list.test/x',
    at: new Date(),
  })
  await harness.api.invoke('hosts:upsert', { rule: rule() })
  return harness
}

describe('the Hosts view and the preview read the installed CT log list', () => {
  it('hosts:probe reports the policy verdict and its SCTs, not "no log list"', async () => {
    h = await harnessWithList()
    const report = await h.api.invoke('hosts:probe', { url: server.url('/', 'oneop.test') })
    expect(report.ct).toMatchObject({ mode: 'enforce', verdict: 'failed' })
    expect(report.ct?.scts.map((s) => s.log)).toEqual(['Test Log A', 'Test Log C'])
    expect(report.error?.code).toBe('CT_FAILED')
  })

  it('hosts:measureNodes refuses the node as a download would', async () => {
    h = await harnessWithList()
    const report = await h.api.invoke('hosts:measureNodes', { url: server.url('/', 'oneop.test') })
    expect(report.nodes.map((n) => [n.address, n.error?.code])).toEqual([['127.0.0.1', 'CT_FAILED']])
  })

  it('transfers:preview refuses the certificate as a download would', async () => {
    h = await harnessWithList()
    server.reset()
    const [item] = await h.api.invoke('transfers:preview', { urls: [server.url('/file.bin', 'oneop.test')] })
    expect(item?.error?.code).toBe('CT_FAILED')
    await server.whenIdle()
    expect(server.stats.totalRequestBytes).toBe(0)
  })
})
