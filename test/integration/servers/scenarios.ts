/**
 * The same downloads against each real server: a segmented download of a file written a moment ago, and a
 * download interrupted and resumed by a fresh engine over the same state folder (a restart of the program).
 */
import { readFile } from 'node:fs/promises'

import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'

import { makeHarness, type Harness } from '../../fixtures/engine-harness.ts'
import type { FileServer } from '../../fixtures/file-server.ts'
import { makePayload, sha256 } from '../../fixtures/payload.ts'
import { waitFor } from '../../fixtures/wait-for.ts'

export const body = makePayload(3 * 1024 * 1024 + 4321, 31)
/** Each test downloads its own file, so one test's touch or log lines do not meet another's. */
export const files = { 'fresh.bin': body, 'resume.bin': body, 'turns.bin': body }

/** What the server does with `Range`. */
export type RangeSupport = 'ranges' | 'no-ranges'

export const fileSha = async (path: string | null) => sha256(await readFile(path as string))

/** The restarts the engine logged for a transfer, with their reasons. */
export const restartsOf = (h: Harness, id: number) =>
  h.store.events
    .list(id)
    .filter((e) => e.kind === 'restart')
    .map((e) => e.message)

/** What a server's own tests get from describeServer. */
export interface ServerContext {
  server(): FileServer
  /** A harness that is closed after the test (closing it sooner is fine). */
  harness(opts?: Parameters<typeof makeHarness>[0]): Promise<Harness>
}

/** The shared tests against the server `start` runs, then the server's own (`more`), with one server for all. */
export function describeServer(
  name: string,
  start: () => Promise<FileServer>,
  support: RangeSupport,
  more?: (ctx: ServerContext) => void,
): void {
  describe(`downloading from ${name}`, () => {
    let server: FileServer
    const open: Harness[] = []
    const ctx: ServerContext = {
      server: () => server,
      async harness(opts) {
        const h = await makeHarness(opts)
        let closed: Promise<void> | undefined
        const once = { ...h, close: () => (closed ??= h.close()) }
        open.push(once)
        return once
      },
    }

    beforeAll(async () => {
      server = await start()
    }, 30_000)
    afterAll(async () => {
      await server?.stop()
    })
    afterEach(async () => {
      for (const h of open.splice(0)) await h.close()
    })

    it('a file written a moment ago downloads in segments, byte-identical, with no restart', async () => {
      const before = (await server.requests()).length
      await server.touch('fresh.bin')
      const h = await ctx.harness()
      const row = await h.download(server.url('fresh.bin'), { split: 4 })
      expect(row, row.errorMessage ?? '').toMatchObject({ state: 'completed', total: body.length, restarts: 0 })
      expect(await fileSha(row.savedPath)).toBe(sha256(body))
      expect(restartsOf(h, row.id)).toEqual([])
      if (support === 'no-ranges') {
        // One connection from zero: the whole file in one 200.
        expect(row.rangeSupported).toBe(false)
        const log = (await server.requests(before + 1)).slice(before)
        expect(log.map((e) => [e.request, e.status])).toEqual([['GET /fresh.bin HTTP/1.1', 200]])
        return
      }
      expect(row.rangeSupported).toBe(true)
      const log = (await server.requests(before + 4)).slice(before)
      // Servers log a request when its response ends, so the first request need not be the first line.
      expect(log.filter((e) => e.range === 'bytes=0-')).toHaveLength(1)
      expect(log.every((e) => e.range === 'bytes=0-' || /^bytes=\d+-\d+$/.test(e.range ?? ''))).toBe(true)
      expect(log.every((e) => e.status === 206)).toBe(true)
      expect(new Set(log.map((e) => e.connection)).size).toBeGreaterThanOrEqual(4)
      // If-Range only ever carries a strong ETag: never a weak one, never a date.
      for (const e of log) if (e.ifRange !== undefined) expect(e.ifRange).toMatch(/^"/)
    })

    it('an interrupted download resumes after a restart of the program, with only the bytes it lacks', async () => {
      const first = await ctx.harness()
      const { stateDir, dir } = first
      const added = first.queue.add({ url: server.url('resume.bin'), dir, split: 2, limitRate: 1024 * 1024 })
      first.queue.start([added.id])
      await waitFor(() => first.store.segments.durableBytes(added.id) > 256 * 1024)
      await first.close()
      const before = (await server.requests()).length

      const h = await ctx.harness({ stateDir, dir })
      const durable = h.store.segments.list(added.id)
      h.queue.start([added.id])
      const [done] = await h.queue.settled([added.id])
      expect(done, done?.errorMessage ?? '').toMatchObject({ state: 'completed', total: body.length })
      expect(await fileSha(done?.savedPath ?? null)).toBe(sha256(body))
      expect(await h.files()).toEqual(['resume.bin'])
      const log = (await server.requests(before + 1)).slice(before)

      if (support === 'no-ranges') {
        // Nothing to resume from: the bytes already there are not trusted, and the file comes again from zero.
        expect(restartsOf(h, added.id)).toEqual(['restarted: the server does not honour ranges'])
        expect(log.map((e) => [e.request, e.status])).toEqual([['GET /resume.bin HTTP/1.1', 200]])
        return
      }
      expect(done?.restarts).toBe(0)
      expect(restartsOf(h, added.id)).toEqual([])
      const etag = done?.etag
      expect(etag).toMatch(/^"/)
      for (const e of log) {
        expect(e.status).toBe(206)
        expect(e.ifRange).toBe(etag)
        expect(e.etag).toBe(etag)
        const from = Number(/^bytes=(\d+)-/.exec(e.range ?? '')?.[1])
        const seg = durable.find((s) => from >= s.start && from < s.end)
        expect(seg, `${e.range} starts inside a known segment`).toBeDefined()
        expect(from).toBeGreaterThanOrEqual((seg?.start ?? 0) + (seg?.done ?? 0))
      }
    })

    more?.(ctx)
  })
}
