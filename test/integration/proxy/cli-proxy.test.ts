import { spawn } from 'node:child_process'
import { mkdtemp, readFile, readdir, stat } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

import { afterAll, beforeAll, describe, expect, it } from 'vitest'

import { startMicrosocks, type SocksProxy } from '../../fixtures/microsocks.ts'
import { startNginx, type NginxServer } from '../../fixtures/nginx.ts'
import { makePayload, sha256 } from '../../fixtures/payload.ts'
import { makePki, type Pki } from '../../fixtures/pki.ts'
import { BIN, runCli } from '../../fixtures/run-cli.ts'
import { refusedPort } from '../../fixtures/silent-listener.ts'
import { startSquid, type Squid } from '../../fixtures/squid.ts'
import { waitFor } from '../../fixtures/wait-for.ts'

// `pinpoint get` through real proxies: curl's proxy flags, the environment's variables, and a download that keeps
// its proxy when `pinpoint resume` picks it up.
let pki: Pki
let nginx: NginxServer
let squid: Squid
let socks: SocksProxy
const big = makePayload(12 * 1024 * 1024 + 5, 77)

beforeAll(async () => {
  pki = await makePki()
  ;[nginx, squid, socks] = await Promise.all([
    startNginx({ pki, files: { 'big.bin': big }, nodes: [{ address: '127.0.0.2', limitRate: '2m' }] }),
    startSquid({ user: 'alice', password: 'sq-secret' }),
    startMicrosocks({ user: 'bob', password: 'so-secret' }),
  ])
}, 60_000)
afterAll(async () => {
  await Promise.all([nginx?.stop(), squid?.stop(), socks?.stop()])
})

const tmp = (kind: string) => mkdtemp(join(tmpdir(), `pinpoint-proxy-${kind}-`))
const url = () => `https://a.test:${nginx.port}/big.bin`
const origin = (address = '127.0.0.1') => ['--resolve', `a.test:${nginx.port}:${address}`, '--cacert', pki.caPath]
const tunnels = (address: string) => squid.accessLog().split(`CONNECT ${address}:${nginx.port} `).length - 1

describe('pinpoint get -x', () => {
  it('a segmented download through squid with --proxy-user: the same bytes, every segment through a tunnel', async () => {
    const dir = await tmp('seg')
    const before = nginx.accessLog().length
    const r = await runCli([
      'get',
      '-x',
      squid.url,
      '--proxy-user',
      'alice:sq-secret',
      '-s',
      '4',
      ...origin(),
      '-d',
      dir,
      url(),
    ])
    expect(r.stderr).not.toContain('sq-secret')
    expect(r.code).toBe(0)
    expect(sha256(await readFile(join(dir, 'big.bin')))).toBe(sha256(big))
    const ranged = (await nginx.waitForAccessLog(before + 2)).slice(before).filter((e) => e.http_range !== '')
    expect(ranged.length).toBeGreaterThanOrEqual(2)
    await waitFor(() => tunnels('127.0.0.1') >= 2)
  })

  it('the same through microsocks (socks5h, --proxy-user)', async () => {
    const dir = await tmp('socks')
    const socksUrl = `socks5h://127.0.0.1:${socks.port}`
    const r = await runCli([
      'get',
      '-x',
      socksUrl,
      '--proxy-user',
      'bob:so-secret',
      '-s',
      '4',
      ...origin(),
      '-d',
      dir,
      url(),
    ])
    expect(r.code).toBe(0)
    expect(sha256(await readFile(join(dir, 'big.bin')))).toBe(sha256(big))
    const wrong = await runCli(['get', '-x', socksUrl, '--proxy-user', 'bob:nope', ...origin(), '-d', dir, url()])
    expect(wrong.code).toBe(3)
    expect(wrong.stderr).toContain('rejected the user name and password')
  })

  it('a pin mismatch through the proxy exits 5 and the origin logs nothing', async () => {
    const before = nginx.accessLog().length
    const r = await runCli([
      'get',
      '-x',
      squid.url,
      '--proxy-user',
      'alice:sq-secret',
      ...origin(),
      '--pinnedpubkey',
      `sha256//${pki.bTest.pin}`,
      '-d',
      await tmp('pin'),
      url(),
    ])
    expect(r.code).toBe(5)
    const ok = await runCli(['probe', '-x', squid.url, '--proxy-user', 'alice:sq-secret', ...origin(), url()])
    expect(ok.code).toBe(0)
    // probe sends no request either; the log is unchanged after both.
    expect(nginx.accessLog().length).toBe(before)
  })

  it('a refused proxy exits 3 naming it; the proxy flags without -x are a usage error', async () => {
    const port = await refusedPort()
    const r = await runCli([
      'get',
      '-x',
      `socks5h://127.0.0.1:${port}`,
      ...origin(),
      '-d',
      await tmp('ref'),
      '--retry',
      '0',
      url(),
    ])
    expect(r.code).toBe(3)
    expect(r.stderr).toContain(`proxy socks5h://127.0.0.1:${port} refused the connection`)
    const usage = await runCli(['get', '--proxy-user', 'a:b', url()])
    expect(usage.code).toBe(2)
    expect(usage.stderr).toContain('need -x/--proxy URL')
  })

  it('SIGTERM, then `pinpoint resume` without -x: the download goes on through its proxy, reaching the IP override', async () => {
    const dir = await tmp('resume')
    const state = await tmp('state')
    const proxy = `http://alice:sq-secret@127.0.0.1:${squid.port}`
    // 127.0.0.2 is the node limited to 2 MB/s, so the download is still running when it is stopped.
    const args = ['get', '-x', proxy, '-s', '2', '--state-dir', state, ...origin('127.0.0.2'), '-d', dir, url()]
    const child = spawn(process.execPath, [BIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'] })
    const exit = new Promise<number>((r) => child.once('exit', (code) => r(code ?? -1)))
    const part = join(dir, 'big.bin.part')
    const deadline = Date.now() + 20_000
    while (((await stat(part).catch(() => undefined))?.size ?? 0) < 1) {
      if (Date.now() > deadline) throw new Error('no part file')
      await new Promise((r) => setTimeout(r, 20))
    }
    const ls = async () => JSON.parse((await runCli(['ls', '--json', '--state-dir', state])).stdout) as { done: number }
    await new Promise((r) => setTimeout(r, 300))
    child.kill('SIGTERM')
    expect(await exit).toBe(8)
    expect((await ls()).done).toBeGreaterThan(0)
    const before = nginx.accessLog().length
    await waitFor(() => tunnels('127.0.0.2') >= 1)
    const tunnelsBefore = tunnels('127.0.0.2')
    const resumed = await runCli(['resume', '--state-dir', state])
    expect(resumed.code).toBe(0)
    expect(await readdir(dir)).toEqual(['big.bin'])
    expect(sha256(await readFile(join(dir, 'big.bin')))).toBe(sha256(big))
    const after = (await nginx.waitForAccessLog(before + 1)).slice(before)
    expect(after.every((e) => e.server_addr === '127.0.0.2' && e.http_range !== 'bytes=0-')).toBe(true)
    // squid logs each tunnel as it closes: the resumed segments went through it too.
    await waitFor(() => tunnels('127.0.0.2') > tunnelsBefore)
  })
})

describe('the environment', () => {
  it('HTTPS_PROXY with credentials in the URL is used; NO_PROXY and --noproxy go around a dead one', async () => {
    const dir = await tmp('env')
    const viaEnv = await runCli(['get', ...origin(), '-o', join(dir, 'one'), url()], {
      env: { HTTPS_PROXY: `http://alice:sq-secret@127.0.0.1:${squid.port}` },
    })
    expect(viaEnv.code).toBe(0)
    expect(sha256(await readFile(join(dir, 'one')))).toBe(sha256(big))
    await waitFor(() => squid.accessLog().includes(' alice '))

    const dead = `http://127.0.0.1:${await refusedPort()}`
    const blocked = await runCli(['get', ...origin(), '--retry', '0', '-o', join(dir, 'two'), url()], {
      env: { https_proxy: dead },
    })
    expect(blocked.code).toBe(3)
    expect(blocked.stderr).toContain(`proxy ${dead} refused the connection`)
    const exempt = await runCli(['get', ...origin(), '-o', join(dir, 'three'), url()], {
      env: { https_proxy: dead, NO_PROXY: '.a.test' },
    })
    expect(exempt.code).toBe(0)
    const flag = await runCli(['get', ...origin(), '--noproxy', '*', '-o', join(dir, 'four'), url()], {
      env: { https_proxy: dead },
    })
    expect(flag.code).toBe(0)
  })
})
