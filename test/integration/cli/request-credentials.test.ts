import { spawn } from 'node:child_process'
import { mkdtemp, readdir, readFile, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

import { afterAll, beforeAll, describe, expect, it } from 'vitest'

import { startCore } from '../../../electron/app-core.ts'
import { APP_PAGE_URL } from '../../../electron/shell/app-protocol.ts'
import { OTHER_HOST, startAuthNginx, type AuthNginx } from '../../fixtures/nginx-auth.ts'
import { BIN, onTerminal, runCli } from '../../fixtures/run-cli.ts'

const USER = 'alice'
const PASSWORD = 'S3cret-pw:@/%41'
const TOKEN = 'tok-8H2kq'
const SESSION = 's3ss10n-Zx'
const BEARER = 'bearer-Q9vL'
const REALM = 'Pinpoint files'
const BODY = Buffer.from(Buffer.alloc(3 * 1024 * 1024 + 101, 0).map((_, i) => (i * 7919) % 251))

let nginx: AuthNginx
beforeAll(async () => {
  nginx = await startAuthNginx({
    file: BODY,
    user: USER,
    password: PASSWORD,
    realm: REALM,
    token: TOKEN,
    session: SESSION,
    bearer: BEARER,
  })
})
afterAll(async () => {
  await nginx?.stop()
})

async function dirs(): Promise<{ state: string; out: string; env: Record<string, string> }> {
  const state = await mkdtemp(join(tmpdir(), 'pinpoint-rc-state-'))
  const out = await mkdtemp(join(tmpdir(), 'pinpoint-rc-dl-'))
  return { state, out, env: { PINPOINT_STATE_DIR: state } }
}

/** Every file of the folder whose bytes contain `needle`. */
async function filesHolding(dir: string, needle: string): Promise<string[]> {
  const found: string[] = []
  for (const f of await readdir(dir)) if ((await readFile(join(dir, f))).includes(Buffer.from(needle))) found.push(f)
  return found
}

/** Run the CLI on a terminal and type `text` once `prompt` shows, as a user would (not before: it would echo). */
function typeAfterPrompt(
  args: string[],
  env: Record<string, string>,
  prompt: string,
  text: string,
): Promise<{ code: number | null; stdout: string }> {
  const [file, ...argv] = onTerminal([process.execPath, BIN, ...args])
  const child = spawn(file as string, argv, { env: { ...process.env, ...env }, stdio: ['pipe', 'pipe', 'inherit'] })
  let stdout = ''
  let typed = false
  child.stdout.on('data', (d: Buffer) => {
    stdout += d.toString()
    if (!typed && stdout.includes(prompt)) {
      typed = true
      child.stdin.write(text)
    }
  })
  const timer = setTimeout(() => child.kill(), 60_000)
  return new Promise((resolve) =>
    child.on('close', (code) => {
      clearTimeout(timer)
      resolve({ code, stdout })
    }),
  )
}

const logFor = (path: string) => nginx.accessLog().filter((e) => e.request.includes(` ${path} `))

describe('Basic credentials with -u', () => {
  it('a 401 pauses with AUTH_REQUIRED naming the realm (exit 3); -u then resumes it over ranges', async () => {
    const { state, out, env } = await dirs()
    const url = `${nginx.base}/basic/file.bin`
    const first = await runCli(['get', '-d', out, url], { env })
    expect(first.code).toBe(3)
    expect(first.stderr).toContain(`Basic realm "${REALM}"`)
    const ls = JSON.parse((await runCli(['ls', '--json'], { env })).stdout.trim()) as Record<string, unknown>
    expect(ls['state']).toBe('paused')
    expect(JSON.stringify(ls)).toContain('AUTH_REQUIRED')

    const got = await runCli(['get', '-s', '3', '-d', out, '-u', `${USER}:${PASSWORD}`, url], { env })
    expect(got.stderr).not.toContain(PASSWORD)
    expect(got.code).toBe(0)
    expect(await readFile(join(out, 'file.bin'))).toEqual(BODY)
    expect((await runCli(['ls', '--json'], { env })).stdout.trim().split('\n')).toHaveLength(1)
    const want = `Basic ${Buffer.from(`${USER}:${PASSWORD}`).toString('base64')}`
    const ok = logFor('/basic/file.bin').filter((e) => e.status === '206')
    expect(ok.length).toBeGreaterThan(1)
    expect(ok.every((e) => e.http_authorization === want)).toBe(true)
    for (const s of [PASSWORD, want.slice(6)]) expect(await filesHolding(state, s)).toEqual([])
  })

  it('-u USER alone asks for the password on a terminal, without echo; with no terminal it is a usage error', async () => {
    const { out, env } = await dirs()
    const url = `${nginx.base}/basic/file.bin`
    const piped = await runCli(['get', '-d', out, '-u', USER, url], { env, input: `${PASSWORD}\n` })
    expect(piped.code).toBe(2)
    expect(piped.stderr).toContain(`-u ${USER}:PASSWORD`)

    const asked = await typeAfterPrompt(['get', '-d', out, '-u', USER, url], env, 'password for', `${PASSWORD}\r`)
    expect(asked.stdout).toContain(`Enter host password for user '${USER}'`)
    expect(asked.stdout).not.toContain(PASSWORD)
    expect(asked.code).toBe(0)
    expect(await readFile(join(out, 'file.bin'))).toEqual(BODY)
  })

  it('--oauth2-bearer sends the token; a wrong one names the Bearer realm', async () => {
    const { out, env } = await dirs()
    const url = `${nginx.base}/bearer/file.bin`
    const wrong = await runCli(['get', '-d', out, '--oauth2-bearer', 'nope', url], { env })
    expect(wrong.code).toBe(3)
    expect(wrong.stderr).toContain('Bearer realm "api"')
    expect(wrong.stderr).not.toContain('nope')
    const got = await runCli(['get', '-d', out, '--oauth2-bearer', BEARER, url], { env })
    expect(got.code).toBe(0)
    expect(await readFile(join(out, 'file.bin'))).toEqual(BODY)
    expect(await runCli(['get', '-d', out, '-u', 'a:b', '--oauth2-bearer', 'x', url], { env })).toMatchObject({
      code: 2,
    })
  })
})

describe('stored with the download', () => {
  it('an interrupted segmented download resumes with `pinpoint resume`, which sends the same credentials and headers', async () => {
    const { state, out, env } = await dirs()
    const url = `${nginx.base}/basic/file.bin`
    const args = ['get', '-s', '3', '--limit-rate', '256K', '-d', out, '-u', `${USER}:${PASSWORD}`]
    const child = spawn(process.execPath, [BIN, ...args, '-H', 'X-Plain: along', url], {
      env: { ...process.env, ...env },
      stdio: 'ignore',
    })
    const exited = new Promise<number | null>((resolve) => child.on('close', resolve))
    // Interrupted once the segments are under way: their ranged requests are in flight.
    await expect
      .poll(() => logFor('/basic/file.bin').filter((e) => e.http_x_plain === 'along').length, { timeout: 30_000 })
      .toBeGreaterThan(0)
    await expect.poll(() => readdir(out), { timeout: 30_000 }).toContain('file.bin.part')
    child.kill('SIGINT')
    expect(await exited).toBe(8)
    const before = logFor('/basic/file.bin').length

    const resumed = await runCli(['resume'], { env })
    expect(resumed.code).toBe(0)
    expect(await readFile(join(out, 'file.bin'))).toEqual(BODY)
    const after = logFor('/basic/file.bin').slice(before)
    expect(after.length).toBeGreaterThan(0)
    const want = `Basic ${Buffer.from(`${USER}:${PASSWORD}`).toString('base64')}`
    for (const e of after) {
      expect([e.status, e.http_authorization, e.http_x_plain]).toEqual(['206', want, 'along'])
    }
    // Resumed from where it stood, not from zero.
    expect(after.some((e) => e.http_range !== '' && !e.http_range.startsWith('bytes=0-'))).toBe(true)
    expect(await filesHolding(state, PASSWORD)).toEqual([])
  })
})

describe('beside a running app', () => {
  it('pinpoint get hands its credentials and headers over the control socket; the app seals and sends them', async () => {
    const { state, out, env } = await dirs()
    const core = await startCore({
      stateDir: state,
      defaultDownloadDir: out,
      appUrl: APP_PAGE_URL,
      desktop: { chooseFolder: async () => undefined, reveal: () => {}, open: async () => '' },
      emit: () => {},
    })
    try {
      const url = `${nginx.base}/basic/file.bin`
      const got = await runCli(['get', '-d', out, '-u', `${USER}:${PASSWORD}`, '-H', 'X-Plain: handed', url], { env })
      expect(got.stderr).not.toContain(PASSWORD)
      expect(got.code).toBe(0)
      expect(await readFile(join(out, 'file.bin'))).toEqual(BODY)
      const id = core.store.transfers.list()[0]?.id ?? 0
      expect(core.store.secrets.get(id)).toEqual({ username: USER, password: PASSWORD })
      const last = logFor('/basic/file.bin').at(-1)
      expect([last?.status, last?.http_x_plain]).toEqual(['206', 'handed'])
    } finally {
      await core.shutdown()
    }
    expect(await filesHolding(state, PASSWORD)).toEqual([])
  })
})

describe('headers and cookies', () => {
  it('-H sends a header on every request; without it the server refuses', async () => {
    const { state, out, env } = await dirs()
    const url = `${nginx.base}/header/file.bin`
    const without = await runCli(['get', '--retry', '0', '-d', out, url], { env })
    expect(without.code).toBe(3)
    expect(without.stderr).toContain('403')
    const got = await runCli(['get', '-s', '2', '-d', out, '-H', `X-Token: ${TOKEN}`, url], { env })
    expect(got.code).toBe(0)
    expect(await readFile(join(out, 'file.bin'))).toEqual(BODY)
    const ok = logFor('/header/file.bin').filter((e) => e.status === '206')
    expect(ok.length).toBeGreaterThan(1)
    expect(ok.every((e) => e.http_x_token === TOKEN)).toBe(true)
    // A header named for a token is a secret: sealed, like a password.
    expect(await filesHolding(state, TOKEN)).toEqual([])
  })

  it('refuses to override the headers the download decides, with the reason', async () => {
    for (const h of ['Host: evil.test', 'Range: bytes=0-1', 'Content-Length: 5', 'Transfer-Encoding: chunked']) {
      const r = await runCli(['get', '-H', h, `${nginx.base}/other/file.bin`])
      expect(r.code).toBe(2)
      expect(r.stderr).toContain(`-H "${h.split(':')[0]}" cannot be set`)
    }
    expect((await runCli(['get', '-H', 'no colon', `${nginx.base}/other/file.bin`])).code).toBe(2)
  })

  it('-b name=value sends the cookie', async () => {
    const { state, out, env } = await dirs()
    const got = await runCli(['get', '-d', out, '-b', `session=${SESSION}; other=1`, `${nginx.base}/cookie/file.bin`], {
      env,
    })
    expect(got.code).toBe(0)
    expect(await readFile(join(out, 'file.bin'))).toEqual(BODY)
    expect(logFor('/cookie/file.bin').at(-1)?.http_cookie).toBe(`session=${SESSION}; other=1`)
    expect(await filesHolding(state, SESSION)).toEqual([])
  })

  it('-b FILE reads a Netscape cookie file: a matching domain is sent, another domain is not', async () => {
    const { out, env } = await dirs()
    const file = join(out, 'cookies.txt')
    const line = (domain: string, name: string, value: string) =>
      [domain, 'FALSE', '/', 'FALSE', '0', name, value].join('\t')
    await writeFile(
      file,
      ['# Netscape HTTP Cookie File', line('elsewhere.test', 'session', SESSION), line('127.0.0.1', 'x', '1')].join(
        '\n',
      ),
    )
    const url = `${nginx.base}/cookie/file.bin`
    const refused = await runCli(['get', '--retry', '0', '-d', out, '-b', file, url], { env })
    expect(refused.code).toBe(3)
    expect(logFor('/cookie/file.bin').at(-1)?.http_cookie).toBe('x=1')

    await writeFile(file, `${line('127.0.0.1', 'session', SESSION)}\n`)
    const got = await runCli(['get', '-d', out, '-b', file, url], { env })
    expect(got.code).toBe(0)
    expect(logFor('/cookie/file.bin').at(-1)?.http_cookie).toBe(`session=${SESSION}`)
    expect((await runCli(['get', '-b', join(out, 'missing.txt'), url])).code).toBe(2)
  })

  it('a redirect to another origin gets no Authorization and no Cookie, but keeps the plain headers', async () => {
    const { out, env } = await dirs()
    const got = await runCli(
      [
        'get',
        '-d',
        out,
        '-u',
        `${USER}:${PASSWORD}`,
        '-b',
        `session=${SESSION}`,
        '-H',
        `X-Token: ${TOKEN}`,
        '-H',
        'X-Plain: kept',
        '-A',
        'pinpoint-test/9',
        '-e',
        'https://referer.test/page',
        `${nginx.base}/to-other/x`,
      ],
      { env },
    )
    expect(got.code).toBe(0)
    expect(await readFile(join(out, 'x'))).toEqual(BODY)
    const hop = logFor('/to-other/x').at(-1)
    expect(hop?.http_authorization).toMatch(/^Basic /)
    expect(hop?.http_cookie).toBe(`session=${SESSION}`)
    expect(hop?.http_x_token).toBe(TOKEN)
    const there = logFor('/other/file.bin').filter((e) => e.server_addr === OTHER_HOST)
    expect(there.length).toBeGreaterThan(0)
    for (const e of there) {
      expect([e.http_authorization, e.http_cookie, e.http_x_token]).toEqual(['', '', ''])
      expect([e.http_x_plain, e.http_user_agent, e.http_referer]).toEqual([
        'kept',
        'pinpoint-test/9',
        'https://referer.test/page',
      ])
    }
  })

  it('-A "" sends no User-Agent, and -H "Name;" sends an empty header', async () => {
    const { out, env } = await dirs()
    const got = await runCli(['get', '-d', out, '-A', '', '-H', 'X-Plain;', `${nginx.base}/other/file.bin`], { env })
    expect(got.code).toBe(0)
    const e = logFor('/other/file.bin').at(-1)
    expect(e?.http_user_agent).toBe('')
    expect(e?.request).toContain('GET /other/file.bin')
  })
})
