import { afterEach, describe, expect, it } from 'vitest'

import { SAVED_PROXY_PASSWORD } from '../../../shared/proxy.ts'
import { makeIpcHarness, type IpcHarness } from './ipc-harness.ts'

let h: IpcHarness | undefined
afterEach(async () => {
  await h?.close()
  h = undefined
})

describe('the proxy setting over IPC', () => {
  it('defaults to the system proxy', async () => {
    h = await makeIpcHarness()
    expect((await h.api.invoke('settings:get', {})).proxy).toEqual({ mode: 'system' })
  })

  it('saves a manual proxy; its password is stored but never sent back or emitted, and the marker keeps it', async () => {
    h = await makeIpcHarness()
    const server = { url: 'http://127.0.0.1:3128', user: 'alice', password: 'hunter2' }
    const next = await h.api.invoke('settings:update', { proxy: { mode: 'manual', server, noProxy: 'a.test' } })
    expect(next.proxy).toEqual({
      mode: 'manual',
      server: { ...server, password: SAVED_PROXY_PASSWORD },
      noProxy: 'a.test',
    })
    expect(JSON.stringify(h.emitted)).not.toContain('hunter2')
    expect(JSON.stringify(await h.api.invoke('settings:get', {}))).not.toContain('hunter2')
    expect(h.store.settings.get('proxy')).toMatchObject({ server: { password: 'hunter2' } })

    // Sent back unchanged (the form's other fields edited), the marker keeps the saved password.
    await h.api.invoke('settings:update', {
      proxy: { mode: 'manual', server: { ...server, password: SAVED_PROXY_PASSWORD }, noProxy: 'b.test' },
    })
    expect(h.store.settings.get('proxy')).toMatchObject({ server: { password: 'hunter2' }, noProxy: 'b.test' })
    // For another user it does not: that user's password was never given.
    await h.api.invoke('settings:update', {
      proxy: { mode: 'manual', server: { ...server, user: 'bob', password: SAVED_PROXY_PASSWORD }, noProxy: '' },
    })
    expect(h.store.settings.get('proxy')).toEqual({
      mode: 'manual',
      server: { url: server.url, user: 'bob' },
      noProxy: '',
    })
  })

  it('refuses a proxy URL with credentials in it, or an unknown scheme', async () => {
    h = await makeIpcHarness()
    for (const url of ['http://u:p@127.0.0.1:3128', 'socks4://127.0.0.1:1080']) {
      await expect(
        h.api.invoke('settings:update', { proxy: { mode: 'manual', server: { url }, noProxy: '' } }),
      ).rejects.toThrow()
    }
  })
})
