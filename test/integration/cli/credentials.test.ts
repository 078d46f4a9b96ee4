import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { mkdtemp, readFile, readdir } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

import { afterEach, beforeAll, afterAll, describe, expect, it } from 'vitest'

import { makeHarness, type Harness } from '../../fixtures/engine-harness.ts'
import { runCli } from '../../fixtures/run-cli.ts'

const USER = 'us3r-Name'
const PASSWORD = 'pa55-W0rd:@/%41'
const BODY = Buffer.alloc(3 * 1024 * 1024 + 17, 0).map((_, i) => (i * 7919) % 251)

/** A server that wants Basic auth for every path: /start redirects (same origin) to /file, which honours ranges. */
let server: Server
let base: string
const seen: Array<{ path: string; authorization: string | undefined; range: string | undefined }> = []

function handle(req: IncomingMessage, res: ServerResponse): void {
  seen.push({ path: req.url ?? '', authorization: req.headers.authorization, range: req.headers.range })
  const want = `Basic ${Buffer.from(`${USER}:${PASSWORD}`).toString('base64')}`
  if (req.headers.authorization !== want) {
    res.writeHead(401, { 'www-authenticate': 'Basic realm="test"', 'content-length': 0 }).end()
    return
  }
  if (req.url === '/start') {
    res.writeHead(302, { location: '/file.bin', 'content-length': 0 }).end()
    return
  }
  if (req.url === '/loop') {
    res.writeHead(302, { location: '/loop', 'content-length': 0 }).end()
    return
  }
  if (req.url !== '/file.bin') {
    res.writeHead(404, { 'content-length': 0 }).end()
    return
  }
  const range = /^bytes=(\d+)-(\d*)$/.exec(req.headers.range ?? '')
  const headers = { etag: '"v1"', 'accept-ranges': 'bytes' }
  if (!range) {
    res.writeHead(200, { ...headers, 'content-length': BODY.length }).end(BODY)
    return
  }
  const start = Number(range[1])
  const end = range[2] ? Number(range[2]) : BODY.length - 1
  res
    .writeHead(206, {
      ...headers,
      'content-length': end - start + 1,
      'content-range': `bytes ${start}-${end}/${BODY.length}`,
    })
    .end(BODY.subarray(start, end + 1))
}

beforeAll(async () => {
  server = createServer(handle)
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
  base = `127.0.0.1:${(server.address() as AddressInfo).port}`
})
afterAll(async () => {
  await new Promise((r) => server.close(r))
})

let h: Harness | undefined
afterEach(async () => {
  await h?.close()
  h = undefined
  seen.length = 0
})

const withUserinfo = (path: string) =>
  `http://${encodeURIComponent(USER)}:${encodeURIComponent(PASSWORD)}@${base}${path}`

/** Every file of the folder whose bytes contain `needle`. */
async function filesHolding(dir: string, needle: string): Promise<string[]> {
  const found: string[] = []
  for (const f of await readdir(dir)) if ((await readFile(join(dir, f))).includes(Buffer.from(needle))) found.push(f)
  return found
}

describe('credentials in a URL', () => {
  it('the CLI authenticates, through a redirect and on every range; no file or output holds them', async () => {
    const stateDir = await mkdtemp(join(tmpdir(), 'pinpoint-cred-state-'))
    const out = await mkdtemp(join(tmpdir(), 'pinpoint-cred-dl-'))
    const env = { PINPOINT_STATE_DIR: stateDir }
    const got = await runCli(['get', '-s', '3', '-d', out, withUserinfo('/start')], { env })
    expect(got.stderr).not.toContain(PASSWORD)
    expect(got.code).toBe(0)
    expect(await readFile(join(out, 'start'))).toEqual(BODY)
    const ranged = seen.filter((s) => s.range && s.range !== 'bytes=0-')
    expect(ranged.length).toBeGreaterThan(0)
    expect(seen.every((s) => s.authorization !== undefined)).toBe(true)

    const again = await runCli(['get', '-d', out, withUserinfo('/start')], { env })
    expect(again.stderr).toContain('already downloaded')

    const ls = await runCli(['ls', '--json'], { env })
    const text = await runCli(['ls'], { env })
    for (const printed of [got.stdout, got.stderr, ls.stdout, ls.stderr, text.stdout, text.stderr]) {
      expect(printed).not.toContain(PASSWORD)
      expect(printed).not.toContain(USER)
    }
    expect(JSON.parse(ls.stdout.trim().split('\n')[0] as string).url).toBe(`http://${base}/start`)

    const files = await readdir(stateDir)
    expect(files).toContain('pinpoint.db')
    expect(files).toContain('secrets.key')
    for (const secret of [PASSWORD, encodeURIComponent(PASSWORD), USER]) {
      expect(await filesHolding(stateDir, secret)).toEqual([])
    }
  })

  it('after a wrong password, the same command with the right one resumes that download with the new one', async () => {
    const stateDir = await mkdtemp(join(tmpdir(), 'pinpoint-cred-state-'))
    const out = await mkdtemp(join(tmpdir(), 'pinpoint-cred-dl-'))
    const env = { PINPOINT_STATE_DIR: stateDir }
    const wrong = `http://${encodeURIComponent(USER)}:wrong-0ne@${base}/file.bin`
    const failed = await runCli(['get', '--retry', '0', '-d', out, wrong], { env })
    expect(failed.code).toBe(3)
    expect(failed.stderr).toContain('401')
    const got = await runCli(['get', '-d', out, withUserinfo('/file.bin')], { env })
    expect(got.code).toBe(0)
    expect(await readFile(join(out, 'file.bin'))).toEqual(BODY)
    const ls = await runCli(['ls', '--json'], { env })
    expect(ls.stdout.trim().split('\n')).toHaveLength(1)
    expect(await filesHolding(stateDir, 'wrong-0ne')).toEqual([])
  })

  it('probe, which sends no request, does not print them either', async () => {
    const r = await runCli(['probe', '--json', withUserinfo('/start')])
    expect(r.code).toBe(0)
    expect(JSON.parse(r.stdout).url).toBe(`http://${base}/start`)
    for (const printed of [r.stdout, r.stderr]) {
      expect(printed).not.toContain(USER)
      expect(printed).not.toContain(encodeURIComponent(PASSWORD))
    }
  })

  it('the queue, its views and its events show the URL without userinfo', async () => {
    h = await makeHarness()
    const row = await h.download(withUserinfo('/start'), { split: 2 })
    expect(row.state).toBe('completed')
    expect(row.url).toBe(`http://${base}/start`)
    expect(row.finalUrl).toBe(`http://${base}/file.bin`)
    expect(h.queue.view(row).url).toBe(`http://${base}/start`)
    expect(h.store.secrets.get(row.id)).toEqual({ username: USER, password: PASSWORD })

    const loop = await h.download(withUserinfo('/loop'))
    expect(loop.state).toBe('failed')
    expect(loop.errorCode).toBe('TOO_MANY_REDIRECTS')
    const said = [loop.errorMessage, ...h.store.events.list(loop.id, 100).map((e) => e.message)].join('\n')
    expect(said).toContain(`http://${base}/loop`)
    expect(said).not.toContain(USER)
    expect(said).not.toContain(encodeURIComponent(PASSWORD))
  })
})
