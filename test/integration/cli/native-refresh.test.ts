import { createHash, randomBytes } from 'node:crypto'
import { mkdtemp, readFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'

import { startCore, type Core } from '../../../electron/app-core.ts'
import { APP_PAGE_URL } from '../../../electron/shell/app-protocol.ts'
import { startSignedNginx, type SignedNginx } from '../../fixtures/nginx-signed.ts'
import { waitFor } from '../../fixtures/wait-for.ts'
import { frames, runNativeHost } from '../../fixtures/native-host.ts'

// The extension's `waiting` and `refresh` through `pinpoint native-host` to a running Pinpoint: a download whose
// signed link stopped working mid-file is listed as waiting, refused another file of its size, and finished from
// the new link the browser was handed.
const SIZE = 4 * 1024 * 1024
const big = randomBytes(SIZE)
const other = randomBytes(SIZE)
let nginx: SignedNginx
let core: Core | undefined
const tmp = (kind: string) => mkdtemp(join(tmpdir(), `pinpoint-native-refresh-${kind}-`))
const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex')

beforeAll(async () => {
  nginx = await startSignedNginx({ files: { 'big.bin': big, 'other.bin': other }, limitRate: '512k' })
})
afterEach(async () => {
  await core?.shutdown()
  core = undefined
})
afterAll(async () => {
  await nginx?.stop()
})

/** The host as the browser runs it, one process for the given frames. */
const host = (stateDir: string, ...messages: unknown[]) => runNativeHost(stateDir, frames(...messages))

describe('pinpoint native-host: waiting downloads and their new links', () => {
  it('with nothing running lists nothing and refuses a refresh; a malformed refresh is refused', async () => {
    const run = await host(
      await tmp('state'),
      { type: 'waiting' },
      { type: 'refresh', id: 1, url: nginx.sign('big.bin') },
      { type: 'refresh', id: 'one', url: nginx.sign('big.bin') },
      { type: 'waiting', all: true },
    )
    expect(run.code).toBe(0)
    expect(run.replies).toEqual([
      { type: 'waiting', connected: false, transfers: [] },
      { type: 'refresh', ok: false, code: 'NOT_RUNNING', reason: 'Pinpoint is not running' },
      { type: 'refused', reason: expect.stringMatching(/^a malformed refresh message: id/) },
      { type: 'refused', reason: expect.stringMatching(/^a malformed waiting message/) },
    ])
  })

  it('lists a failed download as waiting, refuses another file and finishes it from the new link', async () => {
    const state = await tmp('state')
    const downloads = await tmp('downloads')
    const c = await startCore({
      stateDir: state,
      defaultDownloadDir: downloads,
      appUrl: APP_PAGE_URL,
      desktop: { chooseFolder: async () => undefined, reveal: () => {}, open: async () => '' },
      emit: () => {},
    })
    core = c
    const added = await c.add([nginx.sign('big.bin')])
    const id = added.added[0]?.id
    if (id === undefined) throw new Error(`nothing added: ${JSON.stringify(added.rejected)}`)
    await waitFor(() => c.store.segments.durableBytes(id) >= 1024 * 1024, 60_000)
    // The signed link stops working: the running response is cut, the next request gets 403.
    await nginx.rotate()
    await waitFor(() => c.store.transfers.get(id)?.state === 'failed', 90_000)
    const durable = c.store.segments.durableBytes(id)
    expect(durable).toBeLessThan(SIZE)

    const asked = await host(state, { type: 'waiting' }, { type: 'refresh', id, url: nginx.sign('other.bin') })
    expect(asked.replies).toEqual([
      {
        type: 'waiting',
        connected: true,
        transfers: [{ id, name: 'big.bin', total: SIZE, done: expect.any(Number), state: 'failed' }],
      },
      {
        type: 'refresh',
        ok: false,
        code: 'REFRESH_REFUSED',
        reason: expect.stringMatching(/other validators and other bytes/),
      },
    ])
    const listed = (asked.replies[0] as { transfers: Array<{ done: number }> }).transfers[0]
    expect(listed?.done).toBe(durable)
    // Refused: the download keeps its old link and stays failed.
    expect(c.store.transfers.get(id)).toMatchObject({ state: 'failed', url: expect.stringContaining('/dl/big.bin') })

    const fresh = nginx.sign('big.bin')
    const taken = await host(state, { type: 'refresh', id, url: fresh })
    expect(taken.replies).toEqual([{ type: 'refresh', ok: true, matchedBy: 'validator' }])
    // Resumed by the host, from where it was: it completes without being asked again.
    await waitFor(() => c.store.transfers.get(id)?.state === 'completed', 60_000)
    const row = c.store.transfers.get(id)
    expect(row?.url).toBe(fresh)
    expect(sha(await readFile(row?.targetPath ?? ''))).toBe(sha(big))
    expect((await host(state, { type: 'waiting' })).replies).toEqual([
      { type: 'waiting', connected: true, transfers: [] },
    ])
  }, 240_000)
})
