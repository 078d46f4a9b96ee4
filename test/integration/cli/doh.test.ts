import { readFile } from 'node:fs/promises'
import { join } from 'node:path'

import { afterAll, beforeAll, describe, expect, it } from 'vitest'

import { makePki, type Pki } from '../../fixtures/pki.ts'
import { runCli } from '../../fixtures/run-cli.ts'
import { makeTempDir, removeTempDir } from '../../fixtures/temp-dir.ts'
import { startTlsHttpServer, type TlsHttpServer } from '../../fixtures/tls-http-server.ts'
import { startUnboundDoh, type UnboundDoh } from '../../fixtures/unbound.ts'

// curl's --doh-url, and --dns-mode, through the real executable against Debian's Unbound. The DoH server's own
// name (b.test) is put on 127.0.0.1 with --resolve, so no system resolver is asked for it either.
let pki: Pki
let unbound: UnboundDoh
let origin: TlsHttpServer
let dir: string

beforeAll(async () => {
  pki = await makePki()
  unbound = await startUnboundDoh({ cert: pki.bTest, records: ['a.test. 300 IN A 127.0.0.1'] })
  origin = await startTlsHttpServer({
    default: { keyPem: pki.aTest.keyPem, chainPem: pki.aTest.chainPem },
    handler: () => ({ status: 200, body: 'resolved by doh\n' }),
  })
  dir = await makeTempDir('cli-doh')
}, 30_000)
afterAll(async () => {
  await origin?.close()
  await unbound?.stop()
  await removeTempDir(dir)
})

const dohFlags = () => [
  '--doh-url',
  unbound.url(),
  '--resolve',
  `b.test:${unbound.port}:127.0.0.1`,
  '--cacert',
  pki.caPath,
]

describe('pinpoint with --doh-url', () => {
  it('get resolves the host through DoH and downloads byte for byte; probe names the DoH server', async () => {
    const url = `https://a.test:${origin.port}/file.txt`
    const r = await runCli(['get', ...dohFlags(), '-o', join(dir, 'doh.txt'), url])
    expect(r.stderr).toContain('saved ')
    expect(r.code).toBe(0)
    expect(await readFile(join(dir, 'doh.txt'), 'utf8')).toBe('resolved by doh\n')
    const probe = await runCli(['probe', ...dohFlags(), url])
    expect(probe.code).toBe(0)
    expect(probe.stdout).toContain(`(DoH ${unbound.url()})`)
  })

  it('an unknown name is exit 3 naming NXDOMAIN and the DoH server', async () => {
    const r = await runCli(['get', ...dohFlags(), '--retry', '0', '-d', dir, `https://nope.test:${origin.port}/x`])
    expect(r.code).toBe(3)
    expect(r.stderr).toContain('nope.test does not exist')
    expect(r.stderr).toContain(unbound.url())
  })

  it.each([
    [['--dns-mode', 'doh'], /--dns-mode doh needs --doh-url/],
    [['--dns-mode', 'system', '--doh-url', 'https://dns.test/dns-query'], /takes no --doh-url/],
    [['--dns-mode', 'sometimes'], /expected system, doh or doh-fallback/],
    [['--doh-url', 'http://dns.test/dns-query'], /expected an https URL/],
  ])('bad DNS flags %j are a usage error (exit 2)', async (flags, why) => {
    const r = await runCli(['probe', ...flags, 'https://a.test/'])
    expect(r.code).toBe(2)
    expect(r.stderr).toMatch(why)
  })
})
