import { mkdir, readFile } from 'node:fs/promises'
import { join } from 'node:path'

import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'

import { startCore, type Core } from '../../../electron/app-core.ts'
import { cookieName } from '../../../electron/serve/security.ts'
import { APP_PAGE_URL } from '../../../electron/shell/app-protocol.ts'
import type { Payload } from '../../../shared/ipc.ts'
import type { BrowserCookie } from '../../../shared/native-messages.ts'
import { startAuthNginx, type AuthNginx } from '../../fixtures/nginx-auth.ts'
import { makePayload, sha256 } from '../../fixtures/payload.ts'
import { makeTempDir, removeTempDir } from '../../fixtures/temp-dir.ts'
import { waitFor } from '../../fixtures/wait-for.ts'
import { frames, runNativeHost } from '../../fixtures/native-host.ts'

// Cookies belong to a host, not to a port: a browser that opened `pinpoint serve`'s page on 127.0.0.1 holds its
// token cookie for every port of 127.0.0.1, and hands it over with a download from another server there. Through
// the real `pinpoint native-host` and a real app core, each of `add`, `offer` and `refresh` is given the browser's
// whole cookie list for such a download; nginx's access log shows what reached the other server.
const SESSION = 's3cret'
const file = makePayload(96 * 1024, 77)
let nginx: AuthNginx
let dir: string
let core: Core | undefined
/** The browser's cookies for 127.0.0.1: nginx's session, and serve's token for serve's port and for nginx's own. */
let jar: BrowserCookie[]
let token: string

beforeAll(async () => {
  nginx = await startAuthNginx({
    file,
    user: 'u',
    password: 'p',
    realm: 'r',
    token: 't',
    session: SESSION,
    bearer: 'b',
  })
  dir = await makeTempDir('native-serve-token')
  token = `serve-token-${process.pid}`
  const servePort = nginx.port === 65535 ? 65534 : nginx.port + 1
  const cookie = (name: string, value: string): BrowserCookie => ({
    name,
    value,
    domain: '127.0.0.1',
    path: '/',
    secure: false,
  })
  jar = [cookie(cookieName(servePort), token), cookie('session', SESSION), cookie(cookieName(nginx.port), token)]
})
afterEach(async () => {
  await core?.shutdown()
  core = undefined
})
afterAll(async () => {
  await nginx?.stop()
  if (dir) await removeTempDir(dir)
})

/** The host as the browser runs it, one process for the given frames. */
const host = (stateDir: string, ...messages: unknown[]) =>
  runNativeHost(stateDir, frames(...messages), { env: { HOME: join(dir, 'home') } })

async function app(name: string, offer?: (o: Payload<'links:offered'>) => boolean): Promise<Core> {
  await mkdir(join(dir, `${name}-downloads`))
  core = await startCore({
    stateDir: join(dir, name),
    defaultDownloadDir: join(dir, `${name}-downloads`),
    appUrl: APP_PAGE_URL,
    desktop: { chooseFolder: async () => undefined, reveal: () => {}, open: async () => '' },
    emit: () => {},
    ...(offer ? { offer } : {}),
  })
  return core
}

/** nginx's log lines for requests of `path`, from the `from`-th line on. */
const requestsOf = (path: string, from: number) =>
  nginx
    .accessLog()
    .slice(from)
    .filter((e) => e.request.startsWith(`GET ${path} `) || e.request.startsWith(`HEAD ${path} `))

/** The download completed with nginx's file, every request for it carrying the session and nothing of serve's. */
async function completedWithSessionOnly(c: Core, id: number, path: string, from: number): Promise<void> {
  await waitFor(() => c.store.transfers.get(id)?.state === 'completed', 60_000).catch(() => {
    const row = c.store.transfers.get(id)
    throw new Error(`transfer ${id} is ${row?.state ?? 'gone'}: ${row?.errorMessage ?? ''}`)
  })
  expect(sha256(await readFile(c.store.transfers.get(id)?.targetPath ?? ''))).toBe(sha256(file))
  const seen = requestsOf(path, from)
  expect(seen.length).toBeGreaterThan(0)
  for (const e of seen) expect(e.http_cookie).toBe(`session=${SESSION}`)
  expect(JSON.stringify(nginx.accessLog())).not.toContain(token)
}

describe("pinpoint native-host keeps serve's token cookie from every download", () => {
  it('add: the session cookie goes to the download, the token cookies of the same host do not', async () => {
    const c = await app('add')
    const from = nginx.accessLog().length
    const run = await host(join(dir, 'add'), {
      type: 'add',
      url: `${nginx.base}/cookie/file.bin`,
      filename: 'added.bin',
      cookies: jar,
    })
    expect(run.replies).toEqual([{ type: 'add', accepted: true, id: expect.any(Number) }])
    const id = (run.replies[0] as { id: number }).id
    await completedWithSessionOnly(c, id, '/cookie/file.bin', from)
    expect(JSON.stringify(c.store.secrets.getAll(id))).not.toContain(token)
  }, 120_000)

  it('offer: the links confirmed from the dialog go with the session cookie only', async () => {
    const shown: Array<Payload<'links:offered'>> = []
    const c = await app('offer', (o) => (shown.push(o), true))
    const from = nginx.accessLog().length
    const link = `${nginx.base}/cookie/file.bin?offered`
    const run = await host(join(dir, 'offer'), {
      type: 'offer',
      links: [link],
      referrer: `${nginx.base}/login`,
      cookies: jar,
    })
    expect(run.replies).toEqual([{ type: 'offer', shown: true, count: 1, omitted: 0 }])
    const offer = shown[0]?.offer
    expect(offer).toEqual(expect.any(String))
    // What the window sends when the user confirms the add dialog.
    const added = (await c.ipc.dispatcher.handle('transfers:add', { urls: [link], offer }, APP_PAGE_URL)) as {
      added: Array<{ id: number }>
    }
    const id = added.added[0]?.id
    if (id === undefined) throw new Error(`nothing added: ${JSON.stringify(added)}`)
    await completedWithSessionOnly(c, id, '/cookie/file.bin?offered', from)
  }, 120_000)

  it("refresh: the new link's check and the resumed download carry the session cookie only", async () => {
    const c = await app('refresh')
    const from = nginx.accessLog().length
    // Added without the browser's session, nginx refuses it: a failed download waiting for a link that works.
    const first = await c.add([`${nginx.base}/cookie/file.bin?waiting`])
    const id = first.added[0]?.id
    if (id === undefined) throw new Error(`nothing added: ${JSON.stringify(first.rejected)}`)
    await waitFor(() => c.store.transfers.get(id)?.state === 'failed', 30_000)
    const run = await host(join(dir, 'refresh'), {
      type: 'refresh',
      id,
      url: `${nginx.base}/cookie/file.bin?refreshed`,
      referrer: `${nginx.base}/login`,
      cookies: jar,
    })
    expect(run.replies).toEqual([{ type: 'refresh', ok: true, matchedBy: expect.any(String) }])
    await completedWithSessionOnly(c, id, '/cookie/file.bin?refreshed', from)
    expect(JSON.stringify(c.store.secrets.getAll(id))).not.toContain(token)
  }, 120_000)
})
