import { expect, it } from 'vitest'

import { createTransport, type Transport } from '../../../electron/transport/transport.ts'
import { startApache } from '../../fixtures/apache.ts'
import type { FileServer } from '../../fixtures/file-server.ts'
import { sha256 } from '../../fixtures/payload.ts'
import { waitFor } from '../../fixtures/wait-for.ts'
import { body, describeServer, files, fileSha, restartsOf } from './scenarios.ts'

// Apache marks an ETag weak while the file's mtime is within the current second, and strong (the same opaque
// tag) from the next second on; it also answers 200 to an If-Range date within that second.
describeServer(
  'Apache',
  () => startApache(files),
  'ranges',
  (ctx) => {
    it('an ETag turning from weak to strong is the same file: the strong tag is kept, and a resume uses it', async () => {
      const server = ctx.server()
      const before = (await server.requests()).length
      await server.touch('turns.bin')
      // The first response comes in the second the file was written (weak ETag); every other range is asked for
      // a second later (strong ETag, the same opaque tag).
      const transport = slowAfterFirst(createTransport({ rules: () => [], connectTimeoutMs: 3000 }), 1100)
      const h = await ctx.harness({ env: { transport } })
      const row = h.queue.add({ url: server.url('turns.bin'), dir: h.dir, split: 4, limitRate: 1024 * 1024 })
      h.queue.start([row.id])
      await waitFor(() => h.store.transfers.get(row.id)?.etag != null)
      h.queue.pause([row.id])
      await h.queue.settled([row.id])
      const strong = h.store.transfers.get(row.id)?.etag
      const first = await firstRequest(server, before)
      expect(first?.etag).toMatch(/^W\/"/)
      expect(strong).toBe(first?.etag?.slice(2))

      transport.slow.on = false
      h.queue.resume([row.id])
      const [done] = await h.queue.settled([row.id])
      expect(done, done?.errorMessage ?? '').toMatchObject({ state: 'completed', restarts: 0, etag: strong })
      expect(await fileSha(done?.savedPath ?? null)).toBe(sha256(body))
      // Resumed from the store, not restarted: the strong tag was there to vouch for the bytes already in.
      expect(restartsOf(h, row.id)).toEqual([])
      const log = (await server.requests()).slice(before)
      expect(log.every((e) => e.status === 206)).toBe(true)
      expect(log.filter((e) => e.range === 'bytes=0-')).toHaveLength(1)
      // Never a weak tag or a date in If-Range, and the ranges after the resume go under the strong tag.
      for (const e of log) expect([undefined, strong]).toContain(e.ifRange)
      expect(log.some((e) => e.ifRange === strong)).toBe(true)
    })
  },
)

/** A transport whose new connections, after the first, take `delayMs` to open while `slow.on` holds. */
function slowAfterFirst(t: Transport, delayMs: number): Transport & { slow: { on: boolean } } {
  let connects = 0
  const slow = { on: true }
  return {
    slow,
    target: (url) => t.target(url),
    async connect(url, signal, opts) {
      if (connects++ > 0 && slow.on) {
        await new Promise((r) => setTimeout(r, delayMs))
        signal?.throwIfAborted()
      }
      return t.connect(url, signal, opts)
    },
    release: (conn) => t.release(conn),
    get headTimeoutMs() {
      return t.headTimeoutMs
    },
  }
}

/** The log line of the first request (`bytes=0-`) after `before`, once Apache has written it (when it ends). */
async function firstRequest(server: FileServer, before: number) {
  const deadline = Date.now() + 5_000
  for (;;) {
    const first = (await server.requests()).slice(before).find((e) => e.range === 'bytes=0-')
    if (first || Date.now() > deadline) return first
    await new Promise((r) => setTimeout(r, 20))
  }
}
