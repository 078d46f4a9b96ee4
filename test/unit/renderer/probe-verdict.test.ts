import { describe, expect, it } from 'vitest'

import type { Output } from '../../../shared/ipc.ts'
import { probeVerdict } from '../../../renderer/probe-verdict.ts'

type Report = Output<'hosts:probe'>

const leaf = { subject: 'CN=a.test', issuer: 'CN=Intermediate', validFrom: 'x', validTo: 'y', spki: 'sha256//A' }
const report = (extra: Partial<Report>): Report =>
  ({
    url: 'https://a.test/',
    address: '127.0.0.1',
    port: 443,
    servername: 'a.test',
    hostHeader: 'a.test',
    protocol: 'TLSv1.3',
    cipher: 'TLS_AES_128_GCM_SHA256',
    alpn: 'http/1.1',
    verified: true,
    chain: [leaf],
    attempts: [],
    ...extra,
  }) as Report

describe("the probe's verdict line", () => {
  it('plain HTTP reads as unencrypted, not as a certificate that failed to verify', () => {
    const plain = report({
      url: 'http://a.test/',
      protocol: null,
      cipher: null,
      alpn: null,
      verified: false,
      chain: [],
    })
    expect(probeVerdict(plain)).toEqual({ text: 'Not encrypted (plain HTTP): nothing proves who answered', ok: false })
  })

  it('a verified chain, a pinned one, and one that fails keep their words', () => {
    expect(probeVerdict(report({}))).toEqual({ text: 'Certificate verified', ok: true })
    expect(probeVerdict(report({ pinned: true }))).toEqual({ text: 'Certificate verified, pin matched', ok: true })
    const self = { ...leaf, issuer: leaf.subject }
    expect(probeVerdict(report({ verified: false, pinned: true, chain: [self] }))).toEqual({
      text: 'Trusted by pinned key (self-signed)',
      ok: true,
    })
    expect(probeVerdict(report({ verified: false, verifyError: 'CERT_HAS_EXPIRED' }))).toEqual({
      text: 'Not verified: CERT_HAS_EXPIRED',
      ok: false,
    })
  })
})
