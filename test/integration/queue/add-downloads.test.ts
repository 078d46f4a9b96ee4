import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'

import { HostRule } from '../../../shared/domain.ts'
import { limits } from '../../../shared/limits.ts'
import { parseProfile, withRun } from '../../../shared/profile.ts'
import { addDownloads } from '../../../electron/queue/add-downloads.ts'

import { ran, statementsDuring } from '../../fixtures/statement-count.ts'
import { makeHarness, type Harness } from '../../fixtures/engine-harness.ts'
import { startFaultServer, type FaultServer } from '../../fixtures/fault-server.ts'

let server: FaultServer
let h: Harness | undefined
beforeAll(async () => {
  server = await startFaultServer()
  server.serve('/a.bin', { body: Buffer.alloc(1000, 1) })
})
afterEach(async () => {
  await h?.close()
  h = undefined
})
afterAll(async () => {
  await server.close()
})

describe('the one way a download is added', () => {
  it('checks URLs, and refuses what is not http(s) with the reason', async () => {
    h = await makeHarness()
    const r = await addDownloads(h, { urls: [server.url('/a.bin'), 'ftp://x/y', 'javascript:alert(1)'], dir: h.dir })
    expect(r.added).toHaveLength(1)
    expect(r.rejected.map((x) => x.input)).toEqual(['ftp://x/y', 'javascript:alert(1)'])
  })

  it('takes connections from the request, else the saved setting, else the shared default; refuses out of range', async () => {
    h = await makeHarness()
    const [a] = (await addDownloads(h, { urls: [server.url('/a.bin?1')], dir: h.dir })).added
    expect(a?.split).toBe(limits.split.default)
    h.store.settings.set('split', 7)
    const [b] = (await addDownloads(h, { urls: [server.url('/a.bin?2')], dir: h.dir })).added
    expect(b?.split).toBe(7)
    const [c] = (await addDownloads(h, { urls: [server.url('/a.bin?3')], dir: h.dir, split: 2 })).added
    expect(c?.split).toBe(2)
    await expect(addDownloads(h, { urls: [server.url('/a.bin?4')], dir: h.dir, split: 17 })).rejects.toMatchObject({
      code: 'BAD_INPUT',
    })
  })

  it('looks up every URL of a long list in one transaction, and adds each without secrets in one insert', async () => {
    h = await makeHarness()
    const harness = h
    const urls = Array.from({ length: 40 }, (_, i) => server.url(`/a.bin?n=${i}`))
    const { result, counts, outside } = await statementsDuring(() =>
      addDownloads(harness, { urls, dir: harness.dir, paused: true }),
    )
    expect(result.added).toHaveLength(40)
    expect(ran(counts, 'FROM transfers WHERE url =')).toBe(40)
    // Outside a transaction each lookup is a transaction of its own, the WAL's read lock taken and released.
    expect(ran(outside, 'FROM transfers WHERE url =')).toBe(0)
    expect(ran(counts, 'INSERT INTO transfers')).toBe(40)
    // The lookups' read and the adds each take one level; a single insert is atomic without one of its own.
    expect(ran(counts, 'SAVEPOINT')).toBeLessThanOrEqual(2)
  })

  it('adds a URL with credentials and its sealed secrets together, or neither', async () => {
    h = await makeHarness()
    const harness = h
    const url = server.url('/a.bin?with-secrets').replace('http://', 'http://user:pw@')
    const { counts } = await statementsDuring(() =>
      addDownloads(harness, { urls: [url], dir: harness.dir, paused: true }),
    )
    expect(ran(counts, 'SAVEPOINT')).toBe(3)
    const [row] = harness.store.transfers.list()
    expect(row?.url).not.toContain('pw')
    expect(harness.store.secrets.getAll(row?.id ?? -1)?.password).toBe('pw')
  })

  it('adds the same URL into the same folder once: an unfinished one is the same download', async () => {
    h = await makeHarness()
    const first = await addDownloads(h, { urls: [server.url('/a.bin')], dir: h.dir, paused: true })
    const again = await addDownloads(h, { urls: [server.url('/a.bin'), server.url('/a.bin')], dir: h.dir })
    expect(again.added).toEqual([])
    expect(again.existing.map((r) => r.id)).toEqual([first.added[0]?.id, first.added[0]?.id])
    expect(h.store.transfers.count()).toBe(1)
  })

  it('a #fragment names no other download: with and without one, a URL is one download, stored without it', async () => {
    h = await makeHarness()
    const url = server.url('/a.bin?frag')
    const first = await addDownloads(h, { urls: [`${url}#part-1`], dir: h.dir, paused: true })
    const again = await addDownloads(h, { urls: [url, `${url}#part-2`], dir: h.dir, paused: true })
    expect(first.added.map((r) => r.url)).toEqual([url])
    expect(again.added).toEqual([])
    expect(again.existing.map((r) => r.id)).toEqual([first.added[0]?.id, first.added[0]?.id])
    expect(h.store.transfers.count()).toBe(1)
  })

  it('adds a URL given twice in one request once: the second is the same download, as on a later request', async () => {
    h = await makeHarness()
    const a = server.url('/a.bin?twice')
    const b = server.url('/a.bin?once')
    const r = await addDownloads(h, { urls: [a, b, a, ` ${a}`], dir: h.dir, paused: true })
    expect(r.added.map((x) => x.url)).toEqual([a, b])
    expect(r.existing.map((x) => x.id)).toEqual([r.added[0]?.id, r.added[0]?.id])
    expect(r.rows.map((x) => x.id)).toEqual([r.added[0]?.id, r.added[1]?.id, r.added[0]?.id, r.added[0]?.id])
    expect(h.store.transfers.count()).toBe(2)
  })

  it('reports a finished download whose file is still there as done, and adds it anew once the file is gone', async () => {
    h = await makeHarness()
    const row = await h.download(server.url('/a.bin'))
    expect(row.state).toBe('completed')
    const again = await addDownloads(h, { urls: [server.url('/a.bin')], dir: h.dir })
    expect(again.done.map((r) => r.id)).toEqual([row.id])
    expect(again.added).toEqual([])
    const { rm } = await import('node:fs/promises')
    await rm(row.savedPath as string)
    expect((await addDownloads(h, { urls: [server.url('/a.bin')], dir: h.dir })).added).toHaveLength(1)
  })

  it("stores the profile with a new download, and applies the caller's merge to an unfinished one's", async () => {
    h = await makeHarness()
    const pin = Buffer.alloc(32, 3).toString('base64')
    const started = {
      rules: [HostRule.parse({ pattern: '127.0.0.1', pins: [pin] })],
    }
    const [a] = (await addDownloads(h, { urls: [server.url('/a.bin')], dir: h.dir, profile: started, paused: true }))
      .added
    expect(parseProfile(a?.connection ?? null)).toEqual(started)
    const now = { rules: [HostRule.parse({ pattern: '127.0.0.1', addresses: ['127.0.0.1'] })] }
    const [b] = (
      await addDownloads(h, { urls: [server.url('/a.bin')], dir: h.dir, profile: now, mergeProfile: withRun })
    ).existing
    // The new address is applied; the pin it started with stays.
    expect(parseProfile(b?.connection ?? null)?.rules[0]).toMatchObject({ addresses: ['127.0.0.1'], pins: [pin] })
  })
})
