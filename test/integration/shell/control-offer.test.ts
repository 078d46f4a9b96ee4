import { readFile } from 'node:fs/promises'
import { join } from 'node:path'

import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'

import { startCore, type Core } from '../../../electron/app-core.ts'
import { connectControl, type ControlClient } from '../../../electron/cli/control-client.ts'
import type { ShowOffer } from '../../../electron/ipc/offer-links.ts'
import { APP_PAGE_URL } from '../../../electron/shell/app-protocol.ts'
import {
  MAX_OFFERED_URLS,
  MAX_PASTE_CHARS,
  type ControlOutput,
  type EventChannel,
  type Output,
  type Payload,
} from '../../../shared/ipc.ts'
import { OTHER_HOST, startAuthNginx, type AuthNginx } from '../../fixtures/nginx-auth.ts'
import { makePayload, sha256 } from '../../fixtures/payload.ts'
import { makeTempDir, removeTempDir } from '../../fixtures/temp-dir.ts'
import { waitFor } from '../../fixtures/wait-for.ts'

// The app core as main.ts composes it, spoken to over its real control socket as the native host speaks to it.
// `offer` stands where main.ts shows the window: it records what the window would be sent.
let nginx: AuthNginx
const file = makePayload(150 * 1024, 23)
const dirs: string[] = []
let running: { core: Core; client: ControlClient } | undefined

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
  running?.client.close()
  await running?.core.shutdown()
  running = undefined
  for (const d of dirs.splice(0)) await removeTempDir(d)
})
afterAll(async () => {
  await nginx.stop()
})

async function app(show: ShowOffer | undefined) {
  const state = await makeTempDir('offer-state')
  const downloads = await makeTempDir('offer-downloads')
  dirs.push(state, downloads)
  const events: Array<[EventChannel, unknown]> = []
  const core = await startCore({
    stateDir: state,
    defaultDownloadDir: downloads,
    appUrl: APP_PAGE_URL,
    desktop: { chooseFolder: async () => undefined, reveal: () => {}, open: async () => '' },
    emit: (channel, payload) => events.push([channel, payload]),
    ...(show ? { offer: show } : {}),
  })
  const client = await connectControl(state)
  if (!client) throw new Error('no control socket')
  running = { core, client }
  return { core, client, downloads, events }
}

const offer = (client: ControlClient, input: unknown) =>
  client.request<ControlOutput<'control:offer'>>('control:offer', input)

describe('control:offer', () => {
  it("shows a page's links, parsed as a drop parses them, and adds nothing", async () => {
    const shown: Array<Payload<'links:offered'>> = []
    const { core, client } = await app((o) => (shown.push(o), true))
    const a = `${nginx.base}/cookie/a.bin`
    const text = [
      a,
      'not a link at all',
      `${nginx.base}/cookie/b.bin#frag`,
      a,
      'mailto:someone@example.com',
      'javascript:alert(1)',
      'file:///etc/passwd',
      '//cdn.example.com/c.bin',
      '# a comment',
      'ftp://example.com/d.bin',
      `  ${nginx.base}/cookie/c.bin  `,
      '',
    ].join('\r\n')

    const reply = await offer(client, { text, kind: 'uri-list', referrer: `${nginx.base}/page.html` })

    // What a drop of the same text finds, asked of the same core through the window's own channel.
    const dropped = (await core.ipc.dispatcher.handle(
      'links:parse',
      { text, kind: 'uri-list' },
      APP_PAGE_URL,
    )) as Output<'links:parse'>
    // A link's #fragment is the browser's: the download is the file without it.
    expect(dropped.urls).toEqual([a, `${nginx.base}/cookie/b.bin`, `${nginx.base}/cookie/c.bin`])
    expect(dropped.rejected.length).toBeGreaterThanOrEqual(6)
    expect(reply).toEqual({ shown: true, count: 3, omitted: 0 })
    expect(shown).toHaveLength(1)
    expect(shown[0]?.urls).toEqual(dropped.urls)
    expect(shown[0]?.offer).toMatch(/^[A-Za-z0-9_-]{16,64}$/)
    expect(shown[0]?.from).toEqual({ page: new URL(nginx.base).hostname, cookies: 0 })
    // An offer, not a command: the list is untouched until the user confirms.
    expect(core.store.transfers.list()).toEqual([])
  })

  it('answers not shown when nothing can show it, and refuses text with no link', async () => {
    const none = await app(() => false)
    expect(await offer(none.client, { text: `${nginx.base}/cookie/a.bin` })).toEqual({ shown: false })
    await expect(offer(none.client, { text: 'mailto:a@b.c\nnothing here' })).rejects.toThrow(
      /control:offer: no http or https link found \(first refused: mailto:a@b\.c: /,
    )
    expect(none.core.store.transfers.list()).toEqual([])
    none.client.close()
    await none.core.shutdown()
    running = undefined

    // A core with no way to show anything (a headless owner of the state folder).
    const headless = await app(undefined)
    expect(await offer(headless.client, { text: `${nginx.base}/cookie/a.bin` })).toEqual({ shown: false })
  })

  it('keeps to its bounds: a dialog-sized list with the rest counted, and at most 1 MiB of text', async () => {
    const shown: Array<Payload<'links:offered'>> = []
    const { client, core } = await app((o) => (shown.push(o), true))
    const links = Array.from({ length: MAX_OFFERED_URLS + 10 }, (_, i) => `${nginx.base}/f/${i}.bin`)
    expect(await offer(client, { text: links.join('\n') })).toEqual({
      shown: true,
      count: MAX_OFFERED_URLS,
      omitted: 10,
    })
    expect(shown[0]?.urls).toEqual(links.slice(0, MAX_OFFERED_URLS))
    await expect(offer(client, { text: 'x'.repeat(MAX_PASTE_CHARS + 1) })).rejects.toThrow(/control:offer: text: /)
    expect(shown).toHaveLength(1)
    expect(core.store.transfers.list()).toEqual([])
  })

  it("on confirm, each download gets the page as Referer and its own origin's cookies only", async () => {
    const shown: Array<Payload<'links:offered'>> = []
    const { core, client, downloads, events } = await app((o) => (shown.push(o), true))
    const mine = `${nginx.base}/cookie/file.bin`
    const other = `http://${OTHER_HOST}:${new URL(nginx.base).port}/other/file.bin`
    const reply = await offer(client, {
      text: `${mine}\n${other}`,
      referrer: `${nginx.base}/page.html`,
      cookies: [
        { name: 'session', value: 's3cret', domain: '127.0.0.1', path: '/' },
        { name: 'elsewhere', value: 'there', domain: OTHER_HOST, path: '/' },
        { name: 'unrelated', value: 'no', domain: 'example.com', path: '/' },
      ],
    })
    expect(reply).toMatchObject({ shown: true, count: 2 })
    // The window hears of the links and an id, never of a cookie: only where they came from and how many go.
    expect(shown[0]?.from).toEqual({ page: new URL(nginx.base).hostname, cookies: 2 })
    expect(JSON.stringify(shown)).not.toContain('s3cret')
    expect(JSON.stringify(events)).not.toContain('s3cret')

    const added = (await core.ipc.dispatcher.handle(
      'transfers:add',
      { urls: shown[0]!.urls, options: { each: [{ url: other, name: 'other.bin' }] }, offer: shown[0]!.offer },
      APP_PAGE_URL,
    )) as Output<'transfers:add'>
    expect(added.rejected).toEqual([])
    await waitFor(() => core.store.transfers.list().filter((t) => t.state === 'completed').length === 2, 15_000)
    expect(sha256(await readFile(join(downloads, 'file.bin')))).toBe(sha256(file))
    expect(sha256(await readFile(join(downloads, 'other.bin')))).toBe(sha256(file))
    // Sealed with each download, as the add dialog's own cookies are; the window only learns a count.
    const byUrl = new Map(core.store.transfers.list().map((t) => [t.url, t.id]))
    expect(core.store.secrets.getAll(byUrl.get(mine)!)?.cookies?.map((c) => c.name)).toEqual(['session'])
    expect(core.store.secrets.getAll(byUrl.get(other)!)?.cookies?.map((c) => c.name)).toEqual(['elsewhere'])
    const state = await core.ipc.dispatcher.handle('transfers:credentials', { id: byUrl.get(mine)! }, APP_PAGE_URL)
    expect(state).toMatchObject({ cookies: 1 })

    const log = nginx.accessLog()
    const cookieRequests = log.filter((e) => e.request.includes('/cookie/file.bin'))
    expect(cookieRequests.length).toBeGreaterThan(0)
    for (const e of cookieRequests) {
      expect(e).toMatchObject({ http_cookie: 'session=s3cret', http_referer: `${nginx.base}/page.html` })
    }
    const otherRequests = log.filter((e) => e.server_addr === OTHER_HOST && e.request.includes('/other/file.bin'))
    expect(otherRequests.length).toBeGreaterThan(0)
    for (const e of otherRequests) expect(e.http_cookie).toBe('elsewhere=there')
  })

  it('adds without any secret when the offer id is unknown', async () => {
    const { core } = await app(() => true)
    const url = `${nginx.base}/basic/file.bin`
    const added = (await core.ipc.dispatcher.handle(
      'transfers:add',
      { urls: [url], options: { startPaused: true }, offer: 'A'.repeat(24) },
      APP_PAGE_URL,
    )) as Output<'transfers:add'>
    expect(added.added).toHaveLength(1)
    expect(core.store.secrets.getAll(added.added[0]!.id)).toBeUndefined()
  })
})
