import { existsSync } from 'node:fs'
import { mkdtemp, readFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'

import { startCore, type Core } from '../../../electron/app-core.ts'
import { APP_PAGE_URL } from '../../../electron/shell/app-protocol.ts'
import { openStore } from '../../../electron/store/open-store.ts'
import { LOCK_FILE } from '../../../electron/store/state-lock.ts'
import { MAX_NATIVE_MESSAGE_BYTES } from '../../../shared/native-messages.ts'
import { APP_VERSION } from '../../../shared/version.ts'
import { OTHER_HOST, startAuthNginx, type AuthNginx } from '../../fixtures/nginx-auth.ts'
import { makePayload, sha256 } from '../../fixtures/payload.ts'
import { waitFor } from '../../fixtures/wait-for.ts'
import { frames, runNativeHost } from '../../fixtures/native-host.ts'

/** `pinpoint native-host` as the browser runs it: a child process spoken to in native messaging frames. */
let nginx: AuthNginx
let core: Core | undefined
const file = makePayload(200 * 1024, 11)
const tmp = (kind: string) => mkdtemp(join(tmpdir(), `pinpoint-native-${kind}-`))

beforeAll(async () => {
  nginx = await startAuthNginx({
    file,
    user: 'u',
    password: 'p',
    realm: 'r',
    token: 't',
    session: 's3cret',
    bearer: 'b',
  })
})
afterEach(async () => {
  await core?.shutdown()
  core = undefined
})
afterAll(async () => {
  await nginx.stop()
})

const host = (stateDir: string, input: Buffer, keepOpen = false, env: Record<string, string> = {}) =>
  runNativeHost(stateDir, input, { keepOpen, env })

async function appHolding(): Promise<{ state: string; downloads: string; core: Core }> {
  const state = await tmp('state')
  const downloads = await tmp('downloads')
  core = await startCore({
    stateDir: state,
    defaultDownloadDir: downloads,
    appUrl: APP_PAGE_URL,
    desktop: { chooseFolder: async () => undefined, reveal: () => {}, open: async () => '' },
    emit: () => {},
  })
  return { state, downloads, core }
}

describe('pinpoint native-host', () => {
  it('with nothing running says so, and refuses an unknown type and a malformed add', async () => {
    const state = await tmp('state')
    const run = await host(
      state,
      frames(
        { type: 'hello' },
        { type: 'add', url: `${nginx.base}/cookie/file.bin` },
        { type: 'shutdown' },
        {
          type: 'add',
        },
      ),
    )
    expect(run.code).toBe(0)
    expect(run.replies).toEqual([
      { type: 'hello', version: APP_VERSION, connected: false },
      { type: 'add', accepted: false, reason: 'Pinpoint is not running' },
      { type: 'refused', reason: 'unknown message type "shutdown"' },
      { type: 'refused', reason: expect.stringMatching(/^a malformed add message: url/) },
    ])
  })

  it('answers an oversized message with an error and exits, without waiting for its body', async () => {
    const head = Buffer.alloc(4)
    head.writeUInt32LE(MAX_NATIVE_MESSAGE_BYTES + 1, 0)
    // stdin stays open, as the browser keeps it: a host that waited for the body would never exit.
    const run = await host(await tmp('state'), Buffer.concat([frames({ type: 'hello' }), head]), true)
    expect(run.code).toBe(1)
    expect(run.replies).toEqual([
      { type: 'hello', version: APP_VERSION, connected: false },
      { type: 'error', reason: expect.stringMatching(/over the 1048576-byte limit/) },
    ])
  })

  it('answers garbage and a truncated message with an error', async () => {
    const garbage = Buffer.concat([Buffer.from([5, 0, 0, 0]), Buffer.from('{{{{{')])
    expect(await host(await tmp('state'), garbage, true)).toMatchObject({
      code: 1,
      replies: [{ type: 'error', reason: 'a message is not JSON' }],
    })
    const truncated = frames({ type: 'hello' }).subarray(0, 9)
    expect(await host(await tmp('state'), truncated)).toMatchObject({
      code: 1,
      replies: [{ type: 'error', reason: 'the input ended inside a message' }],
    })
  })

  it('starts pinpoint serve for an add only when the startFromBrowser setting allows it', async () => {
    const state = await tmp('state')
    const downloads = await tmp('downloads')
    const store = openStore({ dir: state })
    store.settings.set('downloadDir', downloads)
    store.close()
    const add = frames({ type: 'add', url: `${nginx.base}/other/file.bin`, filename: 'started.bin' })
    const env = { HOME: await tmp('home') }
    // The default: nothing is started.
    expect((await host(state, add, false, env)).replies).toEqual([
      { type: 'add', accepted: false, reason: 'Pinpoint is not running' },
    ])
    expect(await readFile(join(state, LOCK_FILE), 'utf8').catch(() => 'none')).toBe('none')
    const allow = openStore({ dir: state })
    allow.settings.set('startFromBrowser', true)
    allow.close()
    const run = await host(state, add, false, env)
    const pid = (JSON.parse(await readFile(join(state, LOCK_FILE), 'utf8')) as { pid: number }).pid
    try {
      expect(run.replies).toEqual([{ type: 'add', accepted: true, id: expect.any(Number) }])
      // The host has exited; the serve it started goes on and finishes the download.
      await waitFor(() => existsSync(join(downloads, 'started.bin')), 15_000)
      expect(sha256(await readFile(join(downloads, 'started.bin')))).toBe(sha256(file))
    } finally {
      process.kill(pid, 'SIGTERM')
    }
  })

  it("hands a download to the running app with the browser's cookie, sent to its own origin only", async () => {
    const { state, downloads, core: c } = await appHolding()
    const jar = [
      { name: 'session', value: 's3cret', domain: '127.0.0.1', path: '/', secure: false },
      { name: 'elsewhere', value: 'leak', domain: OTHER_HOST, path: '/', secure: false },
    ]
    const run = await host(
      state,
      frames(
        { type: 'hello' },
        {
          type: 'add',
          url: `${nginx.base}/cookie/file.bin`,
          filename: 'from-browser.bin',
          referrer: `${nginx.base}/page.html#x`,
          userAgent: 'PinpointTest/1',
          cookies: jar,
        },
        // A redirect to another origin: the cookie must stay behind.
        { type: 'add', url: `${nginx.base}/to-other/file.bin`, filename: 'other.bin', cookies: jar },
        { type: 'status' },
      ),
    )
    expect(run.code).toBe(0)
    expect(run.replies.slice(0, 3)).toEqual([
      { type: 'hello', version: APP_VERSION, connected: true },
      { type: 'add', accepted: true, id: expect.any(Number) },
      { type: 'add', accepted: true, id: expect.any(Number) },
    ])
    expect(run.replies[3]).toMatchObject({
      type: 'status',
      connected: true,
      handOffs: [
        { url: `${nginx.base}/cookie/file.bin`, accepted: true },
        { url: `${nginx.base}/to-other/file.bin`, accepted: true },
      ],
    })
    await waitFor(() => c.store.transfers.list().filter((t) => t.state === 'completed').length === 2, 15_000)
    expect(sha256(await readFile(join(downloads, 'from-browser.bin')))).toBe(sha256(file))
    expect(sha256(await readFile(join(downloads, 'other.bin')))).toBe(sha256(file))
    const log = nginx.accessLog()
    const mine = log.filter((e) => e.request.includes('/cookie/'))
    expect(mine.length).toBeGreaterThan(0)
    for (const e of mine) {
      expect(e.http_cookie).toBe('session=s3cret')
      expect(e.http_user_agent).toBe('PinpointTest/1')
      expect(e.http_referer).toBe(`${nginx.base}/page.html`)
    }
    const other = log.filter((e) => e.server_addr === OTHER_HOST)
    expect(other.length).toBeGreaterThan(0)
    for (const e of other) expect(e.http_cookie).toBe('')
    expect(log.filter((e) => e.request.includes('/to-other/'))[0]?.http_cookie).toBe('session=s3cret')
  })
})
