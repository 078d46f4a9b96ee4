import { join } from 'node:path'

import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'

import { startCore, type Core } from '../../../electron/app-core.ts'
import { NOT_SHOWN_REASON } from '../../../electron/cli/native-offer.ts'
import { APP_PAGE_URL } from '../../../electron/shell/app-protocol.ts'
import type { Payload } from '../../../shared/ipc.ts'
import { OTHER_HOST } from '../../fixtures/nginx-auth.ts'
import { makeTempDir, removeTempDir } from '../../fixtures/temp-dir.ts'
import { frames, runNativeHost } from '../../fixtures/native-host.ts'

// `pinpoint native-host` as the browser runs it (a child process spoken to in native messaging frames), in front
// of a real app core that holds the state folder; `offer` stands where main.ts shows the window.
let dir: string
let core: Core | undefined

beforeAll(async () => {
  dir = await makeTempDir('native-offer')
})
afterEach(async () => {
  await core?.shutdown()
  core = undefined
})
afterAll(async () => {
  if (dir) await removeTempDir(dir)
})

/** The host as the browser runs it, one process for the given frames. */
const host = (stateDir: string, ...messages: unknown[]) =>
  runNativeHost(stateDir, frames(...messages), { env: { HOME: join(dir, 'home') } })

async function app(name: string, show: (o: Payload<'links:offered'>) => boolean): Promise<string> {
  const state = join(dir, name)
  core = await startCore({
    stateDir: state,
    defaultDownloadDir: join(dir, `${name}-downloads`),
    appUrl: APP_PAGE_URL,
    desktop: { chooseFolder: async () => undefined, reveal: () => {}, open: async () => '' },
    emit: () => {},
    offer: show,
  })
  return state
}

describe('pinpoint native-host: offer', () => {
  it("forwards a page's links to the running Pinpoint and answers with what it showed", async () => {
    const shown: Array<Payload<'links:offered'>> = []
    const state = await app('shown', (o) => (shown.push(o), true))
    const base = 'http://127.0.0.1:9/files'
    const run = await host(state, {
      type: 'offer',
      links: [`${base}/a.iso`, `${base}/a.iso`, 'javascript:void(0)', `${base}/b.iso`],
      referrer: `http://127.0.0.1:9/index.html#top`,
      cookies: [
        { name: 'sid', value: 'secret-value', domain: '127.0.0.1', path: '/', secure: false },
        { name: 'far', value: 'away', domain: OTHER_HOST, path: '/', secure: false },
      ],
    })
    expect({ code: run.code, replies: run.replies }).toEqual({
      code: 0,
      replies: [{ type: 'offer', shown: true, count: 2, omitted: 0 }],
    })
    expect(shown).toHaveLength(1)
    expect(shown[0]?.urls).toEqual([`${base}/a.iso`, `${base}/b.iso`])
    expect(JSON.stringify(shown)).not.toContain('secret-value')
    expect(core!.store.transfers.list()).toEqual([])
  })

  it('says why when it was not shown, when no link was found, and when nothing runs', async () => {
    const state = await app('hidden', () => false)
    const run = await host(
      state,
      { type: 'offer', links: ['http://127.0.0.1:9/a.iso'] },
      { type: 'offer', links: ['mailto:a@b.c'] },
      { type: 'offer', links: [] },
    )
    expect(run.code).toBe(0)
    expect(run.replies).toEqual([
      { type: 'offer', shown: false, reason: NOT_SHOWN_REASON },
      { type: 'offer', shown: false, reason: expect.stringMatching(/^control:offer: no http or https link found/) },
      { type: 'refused', reason: expect.stringMatching(/^a malformed offer message: links/) },
    ])
    await core?.shutdown()
    core = undefined
    expect((await host(state, { type: 'offer', links: ['http://127.0.0.1:9/a.iso'] })).replies).toEqual([
      { type: 'offer', shown: false, reason: 'Pinpoint is not running' },
    ])
  })
})
