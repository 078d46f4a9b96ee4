import { readFile, writeFile } from 'node:fs/promises'
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
let impostor: TlsHttpServer
let dir: string

beforeAll(async () => {
  pki = await makePki()
  unbound = await startUnboundDoh({ cert: pki.bTest, records: ['a.test. 300 IN A 127.0.0.1'] })
  origin = await startTlsHttpServer({
    default: { keyPem: pki.aTest.keyPem, chainPem: pki.aTest.chainPem },
    handler: () => ({ status: 200, body: 'resolved by doh\n' }),
  })
  impostor = await startTlsHttpServer({
    host: '127.0.0.2',
    port: origin.port,
    default: { keyPem: pki.defaultLeaf.keyPem, chainPem: pki.defaultLeaf.chainPem },
  })
  dir = await makeTempDir('cli-doh')
}, 30_000)
afterAll(async () => {
  await impostor?.close()
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

  it("an unknown name through DoH fails at once, as the system resolver's does: NXDOMAIN is not retried", async () => {
    const started = Date.now()
    const r = await runCli(['get', ...dohFlags(), '-d', dir, `https://nope.test:${origin.port}/x`])
    // Generous: the process's own start-up is most of it; six tries with backoff take over 20 s.
    expect(Date.now() - started).toBeLessThan(5000)
    expect(r.code).toBe(3)
    expect(r.stderr).not.toContain('retrying')
    expect(r.stderr.trim().split('\n')).toEqual([expect.stringContaining('nope.test does not exist')])
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

  it('probe --dns-compare finds a lying system resolver: exit 4, both answers shown, every address judged', async () => {
    // The system resolver itself lies: in a mount namespace of its own, /etc/hosts sends a.test to 127.0.0.2.
    const hosts = join(dir, 'hosts')
    const others = (await readFile('/etc/hosts', 'utf8')).split('\n').filter((l) => !/\sa\.test(\s|$)/.test(l))
    await writeFile(hosts, `${others.join('\n')}\n127.0.0.2 a.test\n`)
    const wrap = ['unshare', '--mount', 'sh', '-c', `mount --bind '${hosts}' /etc/hosts && exec "$@"`, 'sh']
    const url = `https://a.test:${origin.port}/`
    const r = await runCli(['probe', '--dns-compare', ...dohFlags(), url], { wrap })
    expect(r.code).toBe(4)
    expect(r.stdout).toMatch(/system\s+127\.0\.0\.2\n/)
    expect(r.stdout).toMatch(/DoH\s+127\.0\.0\.1 /)
    expect(r.stdout).toMatch(/127\.0\.0\.2\s+from system\s+wrong-certificate: .*not valid for a\.test/)
    expect(r.stdout).toMatch(/127\.0\.0\.1\s+from doh\s+verifies/)
    expect(r.stdout).toContain('likely hijack')

    const json = await runCli(['probe', '--dns-compare', '--json', ...dohFlags(), url], { wrap })
    expect(JSON.parse(json.stdout)).toMatchObject({ verdict: 'likely-hijack', system: { addresses: ['127.0.0.2'] } })
  })

  it('probe --dns-compare without --doh-url is a usage error', async () => {
    const r = await runCli(['probe', '--dns-compare', `https://a.test:${origin.port}/`])
    expect(r.code).toBe(2)
    expect(r.stderr).toContain('--dns-compare needs --doh-url')
  })
})
