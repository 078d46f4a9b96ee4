import { spawn } from 'node:child_process'
import { existsSync, statSync } from 'node:fs'
import { mkdtemp, readdir, readFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

import { afterAll, beforeAll, describe, expect, it } from 'vitest'

import { HostRule } from '../../../shared/domain.ts'
import { httpRequest } from '../../../electron/transport/http-request.ts'
import { createTransport } from '../../../electron/transport/transport.ts'
import { startNginx, type NginxServer } from '../../fixtures/nginx.ts'
import { makePki, type Pki } from '../../fixtures/pki.ts'
import { makePayload, sha256 } from '../../fixtures/payload.ts'
import { BIN, runCli } from '../../fixtures/run-cli.ts'
import { waitFor } from '../../fixtures/wait-for.ts'

// A real server: nginx from Debian with two SNI virtual hosts and a default one, on 127.0.0.1.
let pki: Pki
let nginx: NginxServer
const payload = Buffer.from('0123456789abcdef'.repeat(65536))
const big = makePayload(8 * 1024 * 1024, 21)

beforeAll(async () => {
  pki = await makePki()
  nginx = await startNginx({ pki, files: { 'data.bin': payload, 'big.bin': big } })
}, 30_000)
afterAll(async () => {
  await nginx?.stop()
})

const tmp = () => mkdtemp(join(tmpdir(), 'pinpoint-nginx-'))

describe('against nginx', () => {
  it('--resolve sends a name to a chosen address; the a.test virtual host answers', async () => {
    const dir = await tmp()
    const url = `https://a.test:${nginx.port}/whoami.txt`
    const r = await runCli([
      'get',
      '--resolve',
      `a.test:${nginx.port}:127.0.0.1`,
      '--cacert',
      pki.caPath,
      '-d',
      dir,
      url,
    ])
    expect(r.stderr).toContain('saved')
    expect(r.code).toBe(0)
    expect((await readFile(join(dir, 'whoami.txt'), 'utf8')).trim()).toBe('a.test')
    const entry = (await nginx.waitForAccessLog(1)).at(-1)
    expect(entry).toMatchObject({ ssl_server_name: 'a.test', http_host: `a.test:${nginx.port}`, status: 206 })
  })

  it('an IP URL with --sni reaches the b.test virtual host, verified as b.test', async () => {
    const dir = await tmp()
    const before = nginx.accessLog().length
    const url = `https://127.0.0.1:${nginx.port}/whoami.txt`
    const r = await runCli(['get', '--sni', 'b.test', '--cacert', pki.caPath, '-o', join(dir, 'who'), url])
    expect(r.code).toBe(0)
    expect((await readFile(join(dir, 'who'), 'utf8')).trim()).toBe('b.test')
    const entry = (await nginx.waitForAccessLog(before + 1)).at(-1)
    expect(entry).toMatchObject({ ssl_server_name: 'b.test', server_name: 'b.test', http_host: `b.test:${nginx.port}` })
  })

  it('without --sni the IP URL gets the default certificate and fails the name check (exit 4)', async () => {
    const r = await runCli(['probe', '--cacert', pki.caPath, `https://127.0.0.1:${nginx.port}/`])
    expect(r.code).toBe(4)
    expect(r.stdout).toContain(`sha256//${pki.defaultLeaf.pin}`)
    expect(r.stderr).toContain('not valid for 127.0.0.1')
  })

  it('a pin mismatch sends no request: the access log gains no line', async () => {
    const dir = await tmp()
    const before = nginx.accessLog().length
    const args = ['--resolve', `a.test:${nginx.port}:127.0.0.1`, '--cacert', pki.caPath, '-d', dir]
    const bad = await runCli([
      'get',
      ...args,
      '--pinnedpubkey',
      `sha256//${pki.bTest.pin}`,
      `https://a.test:${nginx.port}/data.bin`,
    ])
    expect(bad.code, bad.stderr).toBe(5)
    // A good request afterwards proves the log is live; it must be the only new line.
    const good = await runCli([
      'get',
      ...args,
      '--pinnedpubkey',
      `sha256//${pki.intermediate.pin}`,
      `https://a.test:${nginx.port}/data.bin`,
    ])
    expect(good.code, good.stderr).toBe(0)
    const log = await nginx.waitForAccessLog(before + 1)
    expect(log.slice(before).map((e) => e.request)).toEqual(['GET /data.bin HTTP/1.1'])
    expect(await readdir(dir)).toEqual(['data.bin'])
    expect((await readFile(join(dir, 'data.bin'))).equals(payload)).toBe(true)
  })

  it('offers only http/1.1 even to an HTTP/2 server, so parallel requests keep separate TCP connections', async () => {
    const h2 = await startNginx({ pki, files: { 'x.txt': Buffer.from('x') }, http2: true })
    try {
      const rules = [HostRule.parse({ pattern: 'a.test', addresses: ['127.0.0.1'] })]
      const t = createTransport({ rules: () => rules, ca: [pki.rootPem] })
      const url = new URL(`https://a.test:${h2.port}/x.txt`)
      const responses = await Promise.all([1, 2, 3, 4].map(() => httpRequest(t, { url })))
      for (const r of responses) {
        expect(r.connection.alpn).toBe('http/1.1')
        await r.body.dump()
        await r.close()
      }
      const log = await h2.waitForAccessLog(4)
      expect(new Set(log.map((e) => e.connection)).size).toBe(4)
      expect(log.every((e) => e.request.endsWith('HTTP/1.1'))).toBe(true)
    } finally {
      await h2.stop()
    }
  })

  it('segments a download over four connections to a real server, byte-identical', async () => {
    const dir = await tmp()
    const before = nginx.accessLog().length
    const args = ['get', '-s', '4', '--resolve', `a.test:${nginx.port}:127.0.0.1`, '--cacert', pki.caPath, '-d', dir]
    const r = await runCli([...args, `https://a.test:${nginx.port}/big.bin`])
    expect(r.code).toBe(0)
    expect(sha256(await readFile(join(dir, 'big.bin')))).toBe(sha256(big))
    const log = (await nginx.waitForAccessLog(before + 4)).slice(before)
    expect(log.every((e) => e.status === 206)).toBe(true)
    expect(new Set(log.map((e) => e.connection)).size).toBeGreaterThanOrEqual(4)
  })

  it('resumes from nginx after an interruption, with If-Range carrying its ETag', async () => {
    const dir = await tmp()
    const state = await tmp()
    const args = ['get', '--state-dir', state, '--limit-rate', '2M', '-d', dir]
    const conn = ['--resolve', `a.test:${nginx.port}:127.0.0.1`, '--cacert', pki.caPath]
    const url = `https://a.test:${nginx.port}/big.bin`
    const child = spawn(process.execPath, [BIN, ...args, ...conn, url], { stdio: 'ignore' })
    const exited = new Promise<number | null>((r) => child.once('exit', r))
    // Interrupted once it is downloading (its `.part` has bytes), however long a loaded machine takes to get there.
    const part = join(dir, 'big.bin.part')
    await waitFor(() => existsSync(part) && statSync(part).size > 0, 30_000)
    child.kill('SIGTERM')
    expect(await exited).toBe(8)
    const before = nginx.accessLog().length
    const again = await runCli(['get', '--state-dir', state, '-d', dir, ...conn, url])
    expect(again.code).toBe(0)
    expect(sha256(await readFile(join(dir, 'big.bin')))).toBe(sha256(big))
    const resumed = (await nginx.waitForAccessLog(before + 1)).slice(before)
    expect(resumed.every((e) => e.status === 206 && /^"[0-9a-f-]+"$/.test(e.http_if_range))).toBe(true)
    expect(resumed.every((e) => e.http_range !== 'bytes=0-')).toBe(true)
  })
})
