import { constants } from 'node:fs'
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'

import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'

import { makeHarness, type Harness } from '../../fixtures/engine-harness.ts'
import { startFaultServer, type FaultServer } from '../../fixtures/fault-server.ts'
import { openFlags } from '../../fixtures/open-flags.ts'
import { makePayload, sha256 } from '../../fixtures/payload.ts'
import { waitFor } from '../../fixtures/wait-for.ts'

let server: FaultServer
let h: Harness

beforeAll(async () => {
  server = await startFaultServer()
})
afterAll(async () => {
  await server.close()
})
afterEach(async () => {
  await h?.close()
  server.reset()
})

/**
 * Start a download of `body`, slowed down so its `.part` is open for a while, and tell how the `.part` was opened;
 * then let it finish and check the file.
 */
async function partFlagsWhileRunning(name: string, body: Buffer, split: number): Promise<number> {
  server.serve(`/${name}`, { body, faults: { rateBytesPerSec: 64 * 1024 } })
  h = await makeHarness()
  const row = h.queue.add({ url: server.url(`/${name}`), dir: h.dir, split })
  h.queue.start([row.id])
  const part = join(h.dir, `${name}.part`)
  let flags: number | undefined
  await waitFor(() => {
    try {
      flags = openFlags(part)
      return true
    } catch {
      return false
    }
  })
  server.setFaults(`/${name}`, {})
  const [done] = await h.queue.settled([row.id])
  expect(done?.state).toBe('completed')
  expect(sha256(await readFile(done?.savedPath as string))).toBe(sha256(body))
  return flags as number
}

describe('a file that arrives in one write is written through', () => {
  it('a body no larger than one write batch goes to a .part opened O_DSYNC', async () => {
    const flags = await partFlagsWhileRunning('small.bin', makePayload(100 * 1024, 3), 4)
    expect(flags & constants.O_DSYNC).toBe(constants.O_DSYNC)
  })

  it('a larger one, written in several batches, is synced once at the end instead', async () => {
    const flags = await partFlagsWhileRunning('large.bin', makePayload(3 * 1024 * 1024, 4), 1)
    expect(flags & constants.O_DSYNC).toBe(0)
  })
})
