import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'

import type { Changes } from '../../../electron/queue/change-feed.ts'
import type { Lookup } from '../../../electron/transport/candidates.ts'
import { createTransport } from '../../../electron/transport/transport.ts'
import { TransferView } from '../../../shared/transfer.ts'
import { makeHarness, type Harness } from '../../fixtures/engine-harness.ts'
import { startFaultServer, type FaultServer } from '../../fixtures/fault-server.ts'
import { makePayload } from '../../fixtures/payload.ts'
import { refusedPort } from '../../fixtures/silent-listener.ts'
import { waitFor } from '../../fixtures/wait-for.ts'

// What a retry looks like from outside the engine: the transfer's view says which attempt comes next, of how
// many, when, and what failed, until the next attempt brings bytes or the transfer ends. Failures that no retry
// can fix (a name that does not exist) end at once.
let server: FaultServer
let h: Harness | undefined
const body = makePayload(256 * 1024, 41)
/** Waits long enough (150 ms and more) to outlast the queue's 100 ms change batches. */
const policy = { maxAttempts: 3, baseMs: 300, maxMs: 1000 }

beforeAll(async () => {
  server = await startFaultServer()
})
afterAll(async () => {
  await server.close()
})
afterEach(async () => {
  await h?.close()
  h = undefined
})

function collect(harness: Harness): TransferView[] {
  const seen: TransferView[] = []
  harness.queue.subscribe((c: Changes) => seen.push(...c.patches.map((v) => TransferView.parse(v))))
  return seen
}

/** A transport whose resolver fails every lookup with this Node error code. */
function failingLookup(code: string): { lookup: Lookup; calls: () => number } {
  let calls = 0
  return {
    lookup: async (host) => {
      calls++
      throw Object.assign(new Error(`getaddrinfo ${code} ${host}`), { code })
    },
    calls: () => calls,
  }
}

describe('a retry in the transfer view', () => {
  it('a refused port: the view says attempt 2 of the policy’s maximum, when, and why; it clears on failure', async () => {
    h = await makeHarness({ env: { retry: policy } })
    const seen = collect(h)
    const port = await refusedPort()
    const row = h.queue.add({ url: `http://127.0.0.1:${port}/x`, dir: h.dir, split: 1 })
    h.queue.start([row.id])
    const started = Date.now()
    await waitFor(() => seen.some((v) => v.retry !== null))
    const first = seen.find((v) => v.retry !== null)
    expect(first?.state).toBe('connecting')
    expect(first?.retry).toMatchObject({ attempt: 2, maxAttempts: 3, error: { code: 'CONNECT_REFUSED' } })
    expect(first?.retry?.error.message).toContain(`127.0.0.1:${port}: connection refused`)
    expect(first?.retry?.at).toBeGreaterThanOrEqual(started)
    expect(first?.retry?.at).toBeLessThanOrEqual(Date.now() + policy.maxMs)
    expect(h.queue.view(h.store.transfers.get(row.id) ?? row).retry).not.toBeNull()

    const [end] = await h.queue.settled([row.id])
    expect(end?.state).toBe('failed')
    expect(end?.errorCode).toBe('CONNECT_REFUSED')
    expect(seen.map((v) => v.retry?.attempt).filter((n) => n !== undefined)).toEqual(expect.arrayContaining([2, 3]))
    await waitFor(() => seen.at(-1)?.state === 'failed')
    expect(seen.at(-1)?.retry).toBeNull()
    expect(h.queue.view(end ?? row).retry).toBeNull()
    expect(h.store.events.list(row.id).filter((e) => e.kind === 'retry')).toHaveLength(2)
  })

  it('clears as soon as the next attempt brings bytes, while the download still runs', async () => {
    server.serve('/busy.bin', { body, faults: { status: 503, failTimes: 1, rateBytesPerSec: 128 * 1024 } })
    h = await makeHarness({ env: { retry: policy } })
    const seen = collect(h)
    const row = h.queue.add({ url: server.url('/busy.bin'), dir: h.dir, split: 1 })
    h.queue.start([row.id])
    await waitFor(() => seen.some((v) => v.retry !== null))
    expect(seen.find((v) => v.retry !== null)?.retry).toMatchObject({ attempt: 2, error: { code: 'HTTP_STATUS' } })
    await waitFor(() => seen.some((v) => v.state === 'downloading' && v.done > 0 && v.retry === null))
    const running = seen.find((v) => v.state === 'downloading' && v.done > 0 && v.retry === null)
    expect(running?.done).toBeLessThan(body.length)
    const [end] = await h.queue.settled([row.id])
    expect(end?.state).toBe('completed')
  })

  it('a name that does not exist (ENOTFOUND, EAI_NONAME) fails at once, with no retry', async () => {
    for (const code of ['ENOTFOUND', 'EAI_NONAME']) {
      const dns = failingLookup(code)
      h = await makeHarness({ env: { retry: policy, transport: createTransport({ rules: () => [], ...dns }) } })
      const seen = collect(h)
      const started = Date.now()
      const end = await h.download('http://no-such-host.invalid/x')
      expect(Date.now() - started).toBeLessThan(2000)
      expect(end.state).toBe('failed')
      expect(end.errorCode).toBe('DNS_FAILED')
      expect(end.errorMessage).toContain('no-such-host.invalid')
      expect(dns.calls()).toBe(1)
      expect(h.store.events.list(end.id).map((e) => e.kind)).not.toContain('retry')
      expect(seen.every((v) => v.retry === null)).toBe(true)
      await h.close()
      h = undefined
    }
  })

  it('a resolver that failed for now (EAI_AGAIN) is asked again, up to the policy’s maximum', async () => {
    const dns = failingLookup('EAI_AGAIN')
    h = await makeHarness({ env: { retry: policy, transport: createTransport({ rules: () => [], ...dns }) } })
    const seen = collect(h)
    const end = await h.download('http://flaky-resolver.invalid/x')
    expect(end.state).toBe('failed')
    expect(end.errorCode).toBe('DNS_FAILED')
    expect(dns.calls()).toBe(policy.maxAttempts)
    expect(h.store.events.list(end.id).filter((e) => e.kind === 'retry')).toHaveLength(policy.maxAttempts - 1)
    expect(seen.some((v) => v.retry?.error.code === 'DNS_FAILED')).toBe(true)
  })
})
