import { spawn } from 'node:child_process'
import { mkdir, readdir, readFile, realpath, stat, symlink, writeFile } from 'node:fs/promises'
import { join } from 'node:path'

import { afterAll, beforeAll, describe, expect, it } from 'vitest'

import { NOT_OFFERED } from '../../../electron/serve/serve-desktop.ts'
import { startServe, type Daemon } from '../../../electron/serve/start-serve.ts'
import type { Output } from '../../../shared/ipc.ts'
import { startFaultServer, type FaultServer } from '../../fixtures/fault-server.ts'
import { makePayload, sha256 } from '../../fixtures/payload.ts'
import { BIN } from '../../fixtures/run-cli.ts'
import { makeTempDir } from '../../fixtures/temp-dir.ts'
import { connect, type Client } from './serve-client.ts'

// A browser naming download folders on a real daemon, over the real WebSocket: two roots, a folder outside both
// with symlinks pointing at it, and real downloads from a loopback server that must land where was named.
let dir: string
let first: string
let second: string
let outside: string
let daemon: Daemon
let client: Client
let server: FaultServer
const body = makePayload(200 * 1024, 17)

beforeAll(async () => {
  dir = await realpath(await makeTempDir('serve-folders'))
  ;[first, second, outside] = ['first', 'second', 'outside'].map((k) => join(dir, k)) as [string, string, string]
  await Promise.all([first, second, outside].map((d) => mkdir(d)))
  await symlink(outside, join(first, 'leads-out'))
  await symlink(second, join(first, 'to-second'))
  await writeFile(join(first, 'a-file'), 'not a folder')
  daemon = await startServe({ port: 0, host: '127.0.0.1', roots: [first, second], stateDir: join(dir, 'state') })
  client = await connect(daemon.port, daemon.token)
  server = await startFaultServer()
  server.serve('/named.bin', { body })
  server.serve('/second.bin', { body })
})

afterAll(async () => {
  client.ws.close()
  await daemon.close()
  await server.close()
})

const name = (root: number, sub: string) =>
  client.call('folders:name', { root, sub }) as Promise<Output<'folders:name'>>

/** Add one URL into the named folder and wait until the daemon has finished it; returns the saved path. */
async function downloadInto(token: string, url: string): Promise<string> {
  const { added } = (await client.call('transfers:add', { urls: [url], folder: token })) as Output<'transfers:add'>
  const id = added[0]!.id
  await expect.poll(() => daemon.core.store.transfers.get(id)?.state, { timeout: 15_000 }).toBe('completed')
  return daemon.core.store.transfers.get(id)!.savedPath!
}

describe('pinpoint serve: folders a browser names', () => {
  it('app:info says it is serve, lists the roots and why reveal/open are not offered', async () => {
    expect(await client.call('app:info', {})).toEqual({
      shell: 'serve',
      roots: [first, second],
      revealUnavailable: NOT_OFFERED,
    })
  })

  it('names a new sub-folder inside a root, creates it, and a download lands there', async () => {
    const named = await name(0, 'isos/2024')
    expect(named).toEqual({ ok: true, token: expect.stringMatching(/^folder-/), label: join(first, 'isos', '2024') })
    expect((await stat(join(first, 'isos', '2024'))).isDirectory()).toBe(true)
    // The same folder, however it is typed, is the same token.
    expect(await name(0, ' isos//2024/ ')).toEqual(named)
    expect(await name(0, 'isos\\2024')).toEqual(named)
    const saved = await downloadInto((named as { token: string }).token, server.url('/named.bin'))
    expect(saved).toBe(join(first, 'isos', '2024', 'named.bin'))
    expect(sha256(await readFile(saved))).toBe(sha256(body))
  })

  it('names the second root and folders in it; a root that does not exist is refused', async () => {
    expect(await name(1, '')).toMatchObject({ ok: true, label: second })
    const deep = await name(1, 'deep/er')
    expect(deep).toMatchObject({ ok: true, label: join(second, 'deep', 'er') })
    const saved = await downloadInto((deep as { token: string }).token, server.url('/second.bin'))
    expect(saved).toBe(join(second, 'deep', 'er', 'second.bin'))
    expect(await name(2, 'x')).toEqual({
      ok: false,
      error: { code: 'BAD_INPUT', message: 'no root folder 2: this server has 2 (numbered from 0)' },
    })
  })

  it.each([
    ['..', '".." is not allowed'],
    ['../outside', '".." is not allowed'],
    ['isos/../../outside', '".." is not allowed'],
    ['/etc', 'not an absolute path'],
    ['\\\\server\\share', 'not an absolute path'],
    ['C:\\Windows', 'not an absolute path'],
    ['a\u0000b', 'NUL byte'],
    ['line\nbreak', 'control characters'],
    ['n'.repeat(256), 'longer than 255 bytes'],
    [Array.from({ length: 33 }, () => 'd').join('/'), 'at most 32 folders deep'],
  ])('refuses %j with BAD_INPUT (%s), creating nothing', async (sub, message) => {
    const before = { dir: await readdir(dir), first: await readdir(first) }
    const named = await name(0, sub)
    expect(named).toMatchObject({ ok: false, error: { code: 'BAD_INPUT' } })
    expect((named as { error: { message: string } }).error.message).toContain(message)
    expect({ dir: await readdir(dir), first: await readdir(first) }).toEqual(before)
  })

  it('refuses a symlink leading out of the roots, and makes nothing at its far end', async () => {
    for (const sub of ['leads-out', 'leads-out/new', 'leads-out/a/b']) {
      expect(await name(0, sub)).toEqual({
        ok: false,
        error: {
          code: 'OUTSIDE_ROOTS',
          message: `the folder ${join(first, 'leads-out')} is outside every --root folder of this server`,
        },
      })
    }
    expect(await readdir(outside)).toEqual([])
  })

  it('follows a symlink into the other root, and names the folder by its real path', async () => {
    expect(await name(0, 'to-second/via-link')).toMatchObject({ ok: true, label: join(second, 'via-link') })
    expect((await stat(join(second, 'via-link'))).isDirectory()).toBe(true)
  })

  it('refuses a file where a folder should be', async () => {
    for (const sub of ['a-file', 'a-file/below']) {
      const named = await name(0, sub)
      expect(named).toMatchObject({ ok: false, error: { code: 'FILE_ERROR' } })
    }
  })

  it('checks the input like every channel: over-long text and unknown keys never reach the handler', async () => {
    await expect(name(0, 'x'.repeat(1025))).rejects.toThrow(/^folders:name: sub: Too big/)
    await expect(client.call('folders:name', { root: -1, sub: '' })).rejects.toThrow(/^folders:name: root: Too small/)
    await expect(client.call('folders:name', { root: 0, sub: 'a', path: '/' })).rejects.toThrow(/Unrecognized key/)
    await expect(client.call('folders:name', { root: '0', sub: 'a' })).rejects.toThrow(/root: Invalid input/)
  })

  it('a named folder can become the download folder', async () => {
    const named = (await name(1, 'incoming')) as { token: string; label: string }
    const settings = (await client.call('settings:update', { downloadFolder: named.token })) as { downloadDir: string }
    expect(settings.downloadDir).toBe(join(second, 'incoming'))
  })
})

describe('pinpoint serve as a process with two --root flags', () => {
  it('offers both roots, in order, and names folders in the second', async () => {
    const roots = await Promise.all(['one', 'two'].map((k) => mkdir(join(dir, k)).then(() => join(dir, k))))
    const child = spawn(
      process.execPath,
      [BIN, 'serve', '--port', '0', '--root', roots[0]!, '--root', roots[1]!, '--state-dir', join(dir, 'cli-state')],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    )
    const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()))
    let out = ''
    child.stdout.on('data', (c: Buffer) => (out += String(c)))
    try {
      await expect.poll(() => /\?token=[\w-]{43}\n/.test(out), { timeout: 15_000 }).toBe(true)
      const url = new URL(/http:\S+/.exec(out)![0])
      const c = await connect(Number(url.port), url.searchParams.get('token')!)
      expect(await c.call('app:info', {})).toMatchObject({ shell: 'serve', roots })
      expect(await c.call('folders:name', { root: 1, sub: 'from-cli' })).toMatchObject({
        ok: true,
        label: join(roots[1]!, 'from-cli'),
      })
      c.ws.close()
    } finally {
      child.kill('SIGTERM')
      await exited
    }
  })
})
