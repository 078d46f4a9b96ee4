import { afterAll, beforeAll, describe, expect, it } from 'vitest'

import { HostRule, type HostRuleInput } from '../../../shared/domain.ts'
import { exitCodeFor } from '../../../shared/errors.ts'
import { installLogList, logListLoader } from '../../../electron/transport/ct/log-list-store.ts'
import { httpRequest } from '../../../electron/transport/http-request.ts'
import { refusedConnection } from '../../../electron/transport/refused.ts'
import { createTransport, type Transport } from '../../../electron/transport/transport.ts'
import { issueCtLeaf, makeTestLog, testLogList, type CtLeaf, type TestLog } from '../../fixtures/ct-pki.ts'
import { makePki, type Pki } from '../../fixtures/pki.ts'
import { makeTempDir } from '../../fixtures/temp-dir.ts'
import { startTlsHttpServer, type TlsHttpServer } from '../../fixtures/tls-http-server.ts'

const DAY = 24 * 60 * 60 * 1000
let pki: Pki
let logA: TestLog
let logB: TestLog
let logC: TestLog
let good: CtLeaf
let oneOperator: CtLeaf
let server: TlsHttpServer

beforeAll(async () => {
  pki = await makePki()
  logA = makeTestLog('Test Log A', 'Operator One', 'ec')
  logB = makeTestLog('Test Log B', 'Operator Two', 'rsa')
  logC = makeTestLog('Test Log C', 'Operator One', 'ec')
  ;[good, oneOperator] = await Promise.all([
    issueCtLeaf(pki, { name: 'good', altNames: ['DNS:good.test'], scts: [{ log: logA }, { log: logB }] }),
    issueCtLeaf(pki, { name: 'oneop', altNames: ['DNS:oneop.test'], scts: [{ log: logA }, { log: logC }] }),
  ])
  server = await startTlsHttpServer({
    default: { keyPem: good.keyPem, chainPem: good.chainPem },
    sni: {
      'good.test': { keyPem: good.keyPem, chainPem: good.chainPem },
      'oneop.test': { keyPem: oneOperator.keyPem, chainPem: oneOperator.chainPem },
    },
  })
}, 60_000)
afterAll(async () => {
  await server?.close()
})

/** A state folder holding a list dated `listDate` (none when undefined), and a transport reading it. */
async function transportWith(rules: HostRuleInput[], listDate: Date | undefined): Promise<Transport> {
  const stateDir = await makeTempDir('ct-state')
  if (listDate) {
    installLogList(stateDir, testLogList([logA, logB, logC], listDate), Buffer.from('sig'), {
      url: 'https://list.test/log_list.json',
      at: new Date(),
    })
  }
  const parsed = rules.map((r) => HostRule.parse(r))
  return createTransport({
    rules: () => parsed,
    ca: [pki.rootPem],
    connectTimeoutMs: 3000,
    keepAliveMs: 0,
    ctLogList: logListLoader(stateDir),
  })
}

async function get(t: Transport, host: string) {
  const res = await httpRequest(t, { url: new URL(server.url('/', host)) })
  await res.body.dump()
  await res.close()
  return res
}

describe('Certificate Transparency on the TLS connection', () => {
  it('report mode (the default) connects and records every SCT and the verdict', async () => {
    server.reset()
    const t = await transportWith([{ pattern: 'oneop.test', addresses: ['127.0.0.1'] }], new Date())
    const res = await get(t, 'oneop.test')
    expect(res.status).toBe(200)
    expect(res.connection.ct).toMatchObject({ mode: 'report', verdict: 'failed', policy: 'two-operators' })
    expect(res.connection.ct?.scts.map((s) => [s.log, s.valid])).toEqual([
      ['Test Log A', true],
      ['Test Log C', true],
    ])
    expect(res.connection.ct?.reason).toContain('2 valid SCTs from 1 operator')
    expect(server.stats.totalRequestBytes).toBeGreaterThan(0)
  })

  it('enforce refuses a certificate that fails the policy with zero request bytes sent, as exit 4', async () => {
    server.reset()
    const t = await transportWith([{ pattern: 'oneop.test', addresses: ['127.0.0.1'], ct: 'enforce' }], new Date())
    const err = await httpRequest(t, { url: new URL(server.url('/secret', 'oneop.test')) }).catch((e: unknown) => e)
    expect(err).toMatchObject({ code: 'CT_FAILED' })
    expect(exitCodeFor('CT_FAILED')).toBe(4)
    expect((err as Error).message).toContain('1 operator')
    await server.whenIdle()
    expect(server.stats.sniSeen).toEqual(['oneop.test'])
    expect(server.stats.totalRequestBytes).toBe(0)
    // The refused connection keeps what was refused, for the connection history.
    expect(refusedConnection(err)?.ct?.verdict).toBe('failed')
  })

  it('enforce lets a certificate with two valid SCTs from distinct operators through', async () => {
    const t = await transportWith([{ pattern: 'good.test', addresses: ['127.0.0.1'], ct: 'enforce' }], new Date())
    const res = await get(t, 'good.test')
    expect(res.connection.ct).toMatchObject({ mode: 'enforce', verdict: 'ok' })
    expect(res.connection.ct?.scts.every((s) => s.valid)).toBe(true)
  })

  it("enforce with Chrome's policy passes a 90-day certificate with 2 SCTs from distinct operators", async () => {
    const t = await transportWith(
      [{ pattern: 'good.test', addresses: ['127.0.0.1'], ct: 'enforce', ctPolicy: 'chrome' }],
      new Date(),
    )
    expect((await get(t, 'good.test')).connection.ct).toMatchObject({ verdict: 'ok', policy: 'chrome' })
  })

  it('a CT refusal is an answer about the server: the next address is not tried', async () => {
    // The same certificate on a second loopback address and the same port; a long stagger means the second
    // attempt starts only if the first one's failure lets the race go on.
    const second = await startTlsHttpServer({
      host: '127.0.0.2',
      port: server.port,
      default: { keyPem: oneOperator.keyPem, chainPem: oneOperator.chainPem },
    })
    try {
      const stateDir = await makeTempDir('ct-state')
      installLogList(stateDir, testLogList([logA, logB, logC]), Buffer.from('sig'), { url: 'x', at: new Date() })
      const rule = HostRule.parse({ pattern: 'oneop.test', addresses: ['127.0.0.1', '127.0.0.2'], ct: 'enforce' })
      const t = createTransport({
        rules: () => [rule],
        ca: [pki.rootPem],
        staggerMs: 20_000,
        connectTimeoutMs: 3000,
        ctLogList: logListLoader(stateDir),
      })
      await expect(t.connect(new URL(server.url('/', 'oneop.test')))).rejects.toMatchObject({ code: 'CT_FAILED' })
      await second.whenIdle()
      expect(second.stats.tcpConnections).toBe(0)
    } finally {
      await second.close()
    }
  })

  it('a stale list reports "stale" and does not refuse, even in enforce mode', async () => {
    server.reset()
    const t = await transportWith(
      [{ pattern: 'oneop.test', addresses: ['127.0.0.1'], ct: 'enforce' }],
      new Date(Date.now() - 71 * DAY),
    )
    const res = await get(t, 'oneop.test')
    expect(res.connection.ct?.verdict).toBe('stale')
    expect(server.stats.totalRequestBytes).toBeGreaterThan(0)
  })

  it('with no list installed the check reports "no-log-list" and never blocks', async () => {
    server.reset()
    const t = await transportWith([{ pattern: 'oneop.test', addresses: ['127.0.0.1'], ct: 'enforce' }], undefined)
    const res = await get(t, 'oneop.test')
    expect(res.connection.ct).toMatchObject({ verdict: 'no-log-list' })
    expect(res.connection.ct?.scts).toHaveLength(2)
    expect(server.stats.totalRequestBytes).toBeGreaterThan(0)
  })
})
