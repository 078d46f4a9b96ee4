import { randomBytes } from 'node:crypto'
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'

import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'

import { startFaultServer } from '../../fixtures/fault-server.ts'
import { startAuthNginx } from '../../fixtures/nginx-auth.ts'
import { startSignedNginx, type SignedNginx } from '../../fixtures/nginx-signed.ts'
import { waitFor } from '../../fixtures/wait-for.ts'
import { makeIpcHarness, type IpcHarness } from './ipc-harness.ts'

// `transfers:refreshUrl` as the window (and later the browser extension) calls it: validated input, refusals as
// data, the change pushed to the views, and a running download never given a new URL under its feet.
const SIZE = 1024 * 1024
const big = randomBytes(SIZE)
const other = randomBytes(SIZE)
let nginx: SignedNginx
let h: IpcHarness | undefined

beforeAll(async () => {
  nginx = await startSignedNginx({ files: { 'big.bin': big, 'other.bin': other }, limitRate: '256k' })
})
afterAll(async () => {
  await nginx?.stop()
})
afterEach(async () => {
  await h?.close()
  h = undefined
})

describe('transfers:refreshUrl', () => {
  it('refuses bad input and other senders before anything runs', async () => {
    h = await makeIpcHarness()
    await expect(h.raw('transfers:refreshUrl', { id: 1, url: 'ftp://127.0.0.1/x' })).rejects.toThrow(/url/)
    await expect(h.raw('transfers:refreshUrl', { id: 0, url: nginx.sign('big.bin') })).rejects.toThrow(/id/)
    await expect(
      h.raw('transfers:refreshUrl', { id: 1, url: nginx.sign('big.bin') }, 'https://evil.example/'),
    ).rejects.toThrow(/untrusted sender/)
    expect(await h.api.invoke('transfers:refreshUrl', { id: 1, url: nginx.sign('big.bin') })).toEqual({
      ok: false,
      error: { code: 'BAD_INPUT', message: 'no transfer 1' },
    })
  })

  it("never carries a download's own credentials to a link on another origin", async () => {
    h = await makeIpcHarness()
    const harness = h
    const first = nginx.sign('big.bin')
    const { added } = await harness.api.invoke('transfers:add', { urls: [first], options: { startPaused: true } })
    const id = added[0]?.id ?? 0
    await harness.api.invoke('transfers:setCredentials', {
      id,
      credentials: { kind: 'basic', username: 'alice', password: 'not-for-others' },
    })
    const before = harness.store.transfers.get(id)
    const mark = nginx.accessLog().length
    // The same server under another name is another origin.
    const elsewhere = nginx.sign('big.bin').replace('//127.0.0.1:', '//localhost:')
    const answer = await harness.api.invoke('transfers:refreshUrl', { id, url: elsewhere })
    expect(answer).toMatchObject({ ok: false, error: { code: 'BAD_INPUT' } })
    expect(answer.ok ? '' : answer.error.message).toContain('clear them first')
    expect(harness.store.transfers.get(id)).toEqual(before)
    expect(nginx.accessLog().length).toBe(mark)

    // Cleared, the same link is checked (the file is not started, so there is nothing on disk to compare).
    await harness.api.invoke('transfers:setCredentials', { id, credentials: { kind: 'clear' } })
    expect(await harness.api.invoke('transfers:refreshUrl', { id, url: elsewhere })).toEqual({
      ok: true,
      matchedBy: 'nothing-on-disk',
    })
    expect(harness.store.transfers.get(id)?.url).toBe(elsewhere)
  })

  it('a transfer that changed while its new link was being checked is left as it is', async () => {
    h = await makeIpcHarness()
    const harness = h
    const slow = await startFaultServer()
    try {
      slow.serve('/big.bin', { body: big, faults: { rateBytesPerSec: 16 * 1024 } })
      const { added } = await harness.api.invoke('transfers:add', {
        urls: [nginx.sign('big.bin')],
        options: { startPaused: true },
      })
      const id = added[0]?.id ?? 0
      const answer = harness.api.invoke('transfers:refreshUrl', { id, url: slow.url('/big.bin') })
      // While the 64 KiB are on their way (four seconds at this rate), the transfer starts over elsewhere.
      await waitFor(() => slow.log.length > 0)
      const restarted = harness.store.transfers.update(id, { restarts: 1 })
      const result = await answer
      expect(result).toMatchObject({ ok: false, error: { code: 'BAD_INPUT' } })
      expect(result.ok ? '' : result.error.message).toContain('changed while the link was checked')
      expect(harness.store.transfers.get(id)).toEqual(restarted)
    } finally {
      await slow.close()
    }
  })

  it('a paused download takes a link to the same bytes, refuses another file, and finishes with its bytes', async () => {
    h = await makeIpcHarness()
    const harness = h
    const first = nginx.sign('big.bin')
    const { added } = await harness.api.invoke('transfers:add', { urls: [first], options: {} })
    const id = added[0]?.id ?? 0
    await waitFor(() => harness.store.segments.durableBytes(id) >= 256 * 1024, 20_000)
    await harness.api.invoke('transfers:pause', { ids: [id] })
    await waitFor(() => harness.store.transfers.get(id)?.state === 'paused')
    const before = harness.store.transfers.get(id)
    const durable = harness.store.segments.durableBytes(id)

    const refused = await harness.api.invoke('transfers:refreshUrl', { id, url: nginx.sign('other.bin') })
    expect(refused).toMatchObject({ ok: false, error: { code: 'REFRESH_REFUSED' } })
    expect(harness.store.transfers.get(id)).toEqual(before)

    const mirror = `${nginx.base}/mirror/big.bin`
    const emittedBefore = harness.emitted.length
    expect(await harness.api.invoke('transfers:refreshUrl', { id, url: mirror })).toEqual({
      ok: true,
      matchedBy: 'ranges',
    })
    // The views hear of it: the row now shows the new URL.
    await waitFor(() =>
      harness.emitted
        .slice(emittedBefore)
        .some(
          (e) => e.channel === 'transfers:changed' && e.payload.patches.some((p) => p.id === id && p.url === mirror),
        ),
    )
    expect(harness.store.segments.durableBytes(id)).toBe(durable)

    // Back to the throttled signed link, so the download is still running when it is asked to change again.
    const signed = nginx.sign('big.bin')
    expect(await harness.api.invoke('transfers:refreshUrl', { id, url: signed })).toMatchObject({ ok: true })
    await harness.api.invoke('transfers:resume', { ids: [id] })
    await waitFor(() => harness.store.transfers.get(id)?.state === 'downloading')
    const running = await harness.api.invoke('transfers:refreshUrl', { id, url: mirror })
    expect(running).toMatchObject({ ok: false, error: { code: 'BAD_INPUT' } })
    expect(running.ok ? '' : running.error.message).toContain('only a paused or failed download')
    expect(harness.store.transfers.get(id)?.url).toBe(signed)

    await waitFor(() => harness.store.transfers.get(id)?.state === 'completed', 20_000)
    expect((await readFile(join(harness.downloadDir, 'big.bin'))).equals(big)).toBe(true)
    const details = await harness.api.invoke('transfers:details', { id })
    const refreshed = details.events.filter((e) => e.kind === 'refreshed').map((e) => e.message)
    // A signed link is logged so that it can be recognised: its path and its expiry, never its signature.
    const shown = (link: string) =>
      `${nginx.base}/dl/big.bin?md5=…&expires=${new URL(link).searchParams.get('expires')}`
    expect(refreshed).toEqual([
      expect.stringContaining(`new link ${mirror} (was ${shown(first)}): `),
      expect.stringContaining(`new link ${shown(signed)} (was ${mirror}): `),
    ])
    for (const link of [first, signed]) {
      const signature = new URL(link).searchParams.get('md5') ?? ''
      expect(signature).not.toBe('')
      for (const m of refreshed) expect(m).not.toContain(signature)
    }
  }, 60_000)
})

describe('transfers:refreshUrl with the browser that found the link', () => {
  it("checks the link with the browser's cookies and page, and the download goes on with them once taken", async () => {
    const file = randomBytes(300 * 1024)
    const auth = await startAuthNginx({
      file,
      user: 'u',
      password: 'p',
      realm: 'r',
      token: 't',
      session: 'fresh-session',
      bearer: 'b',
    })
    try {
      h = await makeIpcHarness()
      const harness = h
      const url = `${auth.base}/cookie/file.bin`
      const { added } = await harness.api.invoke('transfers:add', { urls: [url], options: { startPaused: true } })
      const id = added[0]?.id ?? 0
      const cookie = (value: string) => ({
        name: 'session',
        value,
        domain: '127.0.0.1',
        subdomains: false,
        path: '/',
        secure: false,
      })
      // Without the browser's session the server refuses the link, and nothing changes.
      const stale = await harness.api.invoke('transfers:refreshUrl', {
        id,
        url,
        from: { cookies: [cookie('stale')] },
      })
      expect(stale.ok).toBe(false)
      expect(harness.store.secrets.getAll(id)).toBeUndefined()

      const page = `${auth.base}/login`
      const taken = await harness.api.invoke('transfers:refreshUrl', {
        id,
        url,
        from: { referrer: page, cookies: [cookie('fresh-session')] },
      })
      expect(taken).toEqual({ ok: true, matchedBy: 'nothing-on-disk' })
      expect(harness.store.secrets.getAll(id)?.cookies).toEqual([cookie('fresh-session')])

      const mark = auth.accessLog().length
      await harness.api.invoke('transfers:resume', { ids: [id] })
      await waitFor(() => harness.store.transfers.get(id)?.state === 'completed', 30_000)
      const row = harness.store.transfers.get(id)
      expect((await readFile(row?.savedPath ?? '')).equals(file)).toBe(true)
      const sent = auth.accessLog().slice(mark)
      expect(sent.length).toBeGreaterThan(0)
      for (const r of sent) {
        expect(r.http_cookie).toBe('session=fresh-session')
        expect(r.http_referer).toBe(page)
      }
    } finally {
      await auth.stop()
    }
  })
})
