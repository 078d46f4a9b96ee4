import { createHash, createPublicKey } from 'node:crypto'

import { afterAll, beforeAll, describe, expect, it } from 'vitest'

import { installLogList, logListLoader } from '../../../electron/transport/ct/log-list-store.ts'
import { httpRequest } from '../../../electron/transport/http-request.ts'
import { profiledTransport } from '../../../electron/transport/profiled-transport.ts'
import { createTransport, type Transport } from '../../../electron/transport/transport.ts'
import { HostRule, type HostRuleInput } from '../../../shared/domain.ts'
import type { ConnectionProfile } from '../../../shared/profile.ts'
import { issueCtLeaf, makeTestLog, testLogList, type CtLeaf } from '../../fixtures/ct-pki.ts'
import { makePki, type Pki } from '../../fixtures/pki.ts'
import { makeTempDir } from '../../fixtures/temp-dir.ts'
import { startTlsHttpServer, type TlsHttpServer } from '../../fixtures/tls-http-server.ts'

// The server's certificate is logged by one operator only, so it fails the policy. Its CA is the test PKI's,
// which this transport's bundled-roots stand-in (`ca`) does not hold: the host is trusted only through a CA
// the user added (a rule's CA, a download's --cacert) or a pinned key.
let pki: Pki
let other: Pki
let leaf: CtLeaf
let server: TlsHttpServer
let stateDir: string

beforeAll(async () => {
  ;[pki, other] = await Promise.all([makePki(), makePki()])
  const a = makeTestLog('Test Log A', 'Operator One', 'ec')
  const c = makeTestLog('Test Log C', 'Operator One', 'ec')
  const b = makeTestLog('Test Log B', 'Operator Two', 'ec')
  leaf = await issueCtLeaf(pki, { name: 'private', altNames: ['DNS:private.test'], scts: [{ log: a }, { log: c }] })
  server = await startTlsHttpServer({ default: { keyPem: leaf.keyPem, chainPem: leaf.chainPem } })
  stateDir = await makeTempDir('ct-private')
  installLogList(stateDir, testLogList([a, b, c]), Buffer.from('sig'), { url: 'https://list.test/x', at: new Date() })
}, 60_000)
afterAll(async () => {
  await server?.close()
})

function transport(rule: HostRuleInput, roots: string[] = [other.rootPem]): Transport {
  const rules = [HostRule.parse({ addresses: ['127.0.0.1'], ...rule })]
  return createTransport({
    rules: () => rules,
    ca: roots,
    connectTimeoutMs: 3000,
    keepAliveMs: 0,
    ctLogList: logListLoader(stateDir),
  })
}

async function ctOf(t: Transport, profile?: ConnectionProfile) {
  const res = await httpRequest(profile ? profiledTransport(t, profile) : t, {
    url: new URL(server.url('/', 'private.test')),
  })
  await res.body.dump()
  await res.close()
  return res.connection.ct
}

const leafPin = (): string =>
  `sha256//${createHash('sha256')
    .update(createPublicKey(leaf.keyPem).export({ type: 'spki', format: 'der' }))
    .digest('base64')}`

describe('Certificate Transparency for a privately trusted host', () => {
  it("report mode: a chain ending at a rule's own CA is not applicable (neutral), SCTs still listed", async () => {
    const ct = await ctOf(transport({ pattern: 'private.test', ca: pki.rootPem }))
    expect(ct).toMatchObject({ mode: 'report', verdict: 'not-applicable' })
    expect(ct?.scts).toHaveLength(2)
    expect(ct?.reason).toContain('CA added locally')
  })

  it("report mode: a download's --cacert is a private CA too", async () => {
    const ct = await ctOf(transport({ pattern: 'private.test' }), { rules: [], ca: [pki.rootPem] })
    expect(ct?.verdict).toBe('not-applicable')
  })

  it('report mode: a host trusted by its pinned key is not applicable', async () => {
    const ct = await ctOf(transport({ pattern: 'private.test', trust: 'pin', pins: [leafPin()] }))
    expect(ct?.verdict).toBe('not-applicable')
  })

  it('a chain ending at the bundled roots still fails the policy in report mode', async () => {
    const ct = await ctOf(transport({ pattern: 'private.test' }, [pki.rootPem]))
    expect(ct?.verdict).toBe('failed')
  })

  it('enforce still applies to a private CA when the user set it', async () => {
    const t = transport({ pattern: 'private.test', ca: pki.rootPem, ct: 'enforce' })
    await expect(httpRequest(t, { url: new URL(server.url('/', 'private.test')) })).rejects.toMatchObject({
      code: 'CT_FAILED',
    })
  })
})
