import { execFileSync } from 'node:child_process'
import { chmod, mkdir, readFile, stat, symlink, writeFile } from 'node:fs/promises'
import { join } from 'node:path'

import { afterEach, describe, expect, it } from 'vitest'

import { startServe, type Daemon } from '../../../electron/serve/start-serve.ts'
import { TOKEN_FILE, tokenFromFile } from '../../../electron/serve/token-file.ts'
import { BIN } from '../../fixtures/run-cli.ts'
import { makeTempDir } from '../../fixtures/temp-dir.ts'
import { rawRequest } from './serve-client.ts'
import { spawnServe, type ServeProcess } from './serve-process.ts'

const started: ServeProcess[] = []
const daemons: Daemon[] = []

afterEach(async () => {
  for (const s of started.splice(0)) {
    if (s.child.exitCode === null) {
      s.child.kill('SIGTERM')
      await s.exited
    }
  }
  for (const d of daemons.splice(0)) await d.close()
})

function serve(args: string[]): ServeProcess {
  const s = spawnServe(process.execPath, [BIN, 'serve', ...args], {
    env: { ...process.env, PINPOINT_FROM_SOURCE: '1' },
  })
  started.push(s)
  return s
}

async function folders(): Promise<{ dir: string; root: string; state: string }> {
  const dir = await makeTempDir('serve-token-file')
  const root = join(dir, 'root')
  await mkdir(root)
  return { dir, root, state: join(dir, 'state') }
}

const mode = async (path: string) => (await stat(path)).mode & 0o777

describe('serve --token-file: a token that outlives a restart, kept where only its user can read it', () => {
  it('is made with 256 random bits and mode 0600 when missing, then read back unchanged', async () => {
    const { dir } = await folders()
    const path = join(dir, 'nested', 'token')
    const token = await tokenFromFile(path)
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/)
    expect(await mode(path)).toBe(0o600)
    expect(await mode(join(dir, 'nested'))).toBe(0o700)
    expect(await tokenFromFile(path)).toBe(token)
    expect((await readFile(path, 'utf8')).trim()).toBe(token)
  })

  it('refuses a file others can read or write, naming the mode and the fix', async () => {
    const { dir } = await folders()
    for (const bits of [0o644, 0o640, 0o602]) {
      const path = join(dir, `token-${bits.toString(8)}`)
      await writeFile(path, 'a'.repeat(43))
      await chmod(path, bits)
      await expect(tokenFromFile(path)).rejects.toMatchObject({
        code: 'BAD_INPUT',
        message: expect.stringMatching(new RegExp(`mode 0${bits.toString(8)}.*chmod 600`)),
      })
    }
  })

  it('refuses a symbolic link, even to a private file of the same user', async () => {
    const { dir } = await folders()
    const real = join(dir, 'real')
    await writeFile(real, 'b'.repeat(43), { mode: 0o600 })
    await symlink(real, join(dir, 'link'))
    await expect(tokenFromFile(join(dir, 'link'))).rejects.toThrow(/symbolic link/)
  })

  it('refuses a folder and a FIFO (which would block a read) without waiting', async () => {
    const { dir } = await folders()
    await mkdir(join(dir, 'a-folder'), { mode: 0o700 })
    await expect(tokenFromFile(join(dir, 'a-folder'))).rejects.toThrow(/is not a regular file/)
    const fifo = join(dir, 'a-fifo')
    execFileSync('mkfifo', ['-m', '600', fifo])
    await expect(tokenFromFile(fifo)).rejects.toThrow(/is not a regular file/)
  })

  it('refuses an empty file and one that holds no token', async () => {
    const { dir } = await folders()
    await writeFile(join(dir, 'empty'), '', { mode: 0o600 })
    await expect(tokenFromFile(join(dir, 'empty'))).rejects.toThrow(/is empty/)
    await writeFile(join(dir, 'short'), 'abc\n', { mode: 0o600 })
    await expect(tokenFromFile(join(dir, 'short'))).rejects.toThrow(/does not hold a token/)
  })

  it('pinpoint serve --token-file prints the same URL on every start, the file in the state folder', async () => {
    const { root, state } = await folders()
    const args = ['--port', '0', '--root', root, '--state-dir', state, '--token-file']
    const first = serve(args)
    const url1 = await first.url()
    first.child.kill('SIGTERM')
    expect(await first.exited).toBe(8)
    expect(await mode(join(state, TOKEN_FILE))).toBe(0o600)
    const second = serve(args)
    const url2 = await second.url()
    expect(url2.searchParams.get('token')).toBe(url1.searchParams.get('token'))
    expect((await readFile(join(state, TOKEN_FILE), 'utf8')).trim()).toBe(url1.searchParams.get('token'))
  }, 60_000)

  it('without --token-file every start still makes a fresh token', async () => {
    const { root, state } = await folders()
    const args = ['--port', '0', '--root', root, '--state-dir', state]
    const first = serve(args)
    const url1 = await first.url()
    first.child.kill('SIGTERM')
    await first.exited
    const second = serve(args)
    expect((await second.url()).searchParams.get('token')).not.toBe(url1.searchParams.get('token'))
  }, 60_000)

  it('a start with a token file others can read exits 2 in one line, listening on nothing', async () => {
    const { dir, root, state } = await folders()
    const path = join(dir, 'shared-token')
    await writeFile(path, 'c'.repeat(43))
    await chmod(path, 0o644)
    const s = serve(['--port', '0', '--root', root, '--state-dir', state, '--token-file', path])
    expect(await s.exited).toBe(2)
    expect(s.stderr()).toMatch(/^pinpoint: --token-file: .*shared-token can be read or written by other users/)
    expect(s.stderr().trim().split('\n')).toHaveLength(1)
    expect(s.stdout()).toBe('')
  }, 30_000)
})

describe('serve: a browser without a valid token', () => {
  it('gets a page saying what happened and what to do, and its stale cookie is cleared', async () => {
    const { dir, root, state } = await folders()
    const renderer = join(dir, 'renderer')
    await mkdir(renderer)
    await writeFile(join(renderer, 'index.html'), '<!doctype html><title>Pinpoint</title><div id="root"></div>')
    const daemon = await startServe({
      port: 0,
      host: '127.0.0.1',
      roots: [root],
      stateDir: state,
      rendererDir: renderer,
    })
    daemons.push(daemon)
    const html = { accept: 'text/html,application/xhtml+xml' }
    const stale = { ...html, cookie: `pinpoint-token-${daemon.port}=an-old-token` }

    const old = await rawRequest(daemon.port, '/', stale)
    expect(old.status).toBe(401)
    expect(old.headers['content-type']).toContain('text/html')
    expect(old.body).toContain('new token every time it starts')
    expect(old.body).toContain('pinpoint serve --token-file')
    expect(old.body).not.toContain('id="root"')
    expect(String(old.headers['set-cookie'])).toMatch(/^pinpoint-token-\d+=; .*Max-Age=0/)

    const none = await rawRequest(daemon.port, '/', html)
    expect(none.status).toBe(401)
    expect(none.body).toContain('answers only pages opened with its token')
    expect(none.headers['set-cookie']).toBeUndefined()

    // Scripts and the socket keep the one line.
    expect((await rawRequest(daemon.port, '/', {})).body).toBe('missing or wrong token\n')

    // The right cookie alone loads the page (the address bar no longer carries the token), and is renewed.
    const ok = await rawRequest(daemon.port, '/', { ...html, cookie: `pinpoint-token-${daemon.port}=${daemon.token}` })
    expect(ok.status).toBe(200)
    expect(String(ok.headers['set-cookie'])).toBe(
      `pinpoint-token-${daemon.port}=${daemon.token}; HttpOnly; SameSite=Strict; Path=/`,
    )
  })

  it('with a token file, the cookie outlives the browser session (30 days, renewed by each load)', async () => {
    const { dir, root, state } = await folders()
    const renderer = join(dir, 'renderer')
    await mkdir(renderer)
    await writeFile(join(renderer, 'index.html'), '<!doctype html><title>Pinpoint</title>')
    const tokenFile = join(state, TOKEN_FILE)
    const daemon = await startServe({
      port: 0,
      host: '127.0.0.1',
      roots: [root],
      stateDir: state,
      rendererDir: renderer,
      tokenFile,
    })
    daemons.push(daemon)
    expect((await readFile(tokenFile, 'utf8')).trim()).toBe(daemon.token)
    const res = await rawRequest(daemon.port, `/?token=${daemon.token}`, {})
    expect(String(res.headers['set-cookie'])).toBe(
      `pinpoint-token-${daemon.port}=${daemon.token}; HttpOnly; SameSite=Strict; Path=/; Max-Age=2592000`,
    )
  })
})
