import { describe, expect, it } from 'vitest'

import { bootstrap } from '../../../renderer/store/bootstrap.ts'
import { createAppStore } from '../../../renderer/store/create-app-store.ts'
import { fakeApi, flush, settings, view } from './fake-api.ts'

describe('bootstrap', () => {
  it('subscribes to every event before asking for any snapshot', () => {
    const fake = fakeApi()
    bootstrap(fake.api, createAppStore())
    const firstInvoke = fake.log.findIndex((l) => l.startsWith('invoke'))
    const lastOn = fake.log.findLastIndex((l) => l.startsWith('on'))
    expect(lastOn).toBeLessThan(firstInvoke)
    expect(fake.log.filter((l) => l.startsWith('on')).sort()).toEqual([
      'on hosts:changed',
      'on links:offered',
      'on notice',
      'on settings:changed',
      'on transfers:changed',
    ])
  })

  it('buffers batches that arrive before the snapshot and applies only the newer ones after it', async () => {
    const fake = fakeApi()
    const store = createAppStore()
    bootstrap(fake.api, store)
    // seq 4 is older than the snapshot (which already holds it); 6 and 7 are newer and must survive.
    fake.emit('transfers:changed', { seq: 4, patches: [view(1, { done: 40 })], removed: [] })
    fake.emit('transfers:changed', { seq: 6, patches: [view(1, { done: 600 })], removed: [] })
    fake.emit('transfers:changed', { seq: 7, patches: [view(3)], removed: [2] })
    expect(store.getState().transfers.loaded).toBe(false)
    expect(store.getState().transfers.order).toEqual([])

    fake.answer('transfers:list', { seq: 5, transfers: [view(1, { done: 500 }), view(2)] })
    await flush()
    const t = store.getState().transfers
    expect(t.seq).toBe(7)
    expect(t.byId[1]?.done).toBe(600)
    expect(t.order).toEqual([1, 3])
  })

  it('applies batches directly once the snapshot is in', async () => {
    const fake = fakeApi()
    const store = createAppStore()
    bootstrap(fake.api, store)
    fake.answer('transfers:list', { seq: 1, transfers: [view(1)] })
    await flush()
    fake.emit('transfers:changed', { seq: 2, patches: [view(1, { state: 'downloading' })], removed: [] })
    expect(store.getState().transfers.byId[1]?.state).toBe('downloading')
  })

  it('keeps hosts and settings events that arrived before their snapshot', async () => {
    const fake = fakeApi()
    const store = createAppStore()
    bootstrap(fake.api, store)
    const newer = { ...settings, maxActive: 7 }
    fake.emit('settings:changed', newer)
    fake.emit('hosts:changed', [{ pattern: 'new.example', addresses: [], pins: [], pinMode: 'enforce', trust: 'ca' }])
    fake.answer('settings:get', settings)
    fake.answer('hosts:list', [])
    await flush()
    expect(store.getState().settings?.maxActive).toBe(7)
    expect(store.getState().hosts.rules.map((r) => r.pattern)).toEqual(['new.example'])
  })

  it('loads hosts and settings snapshots when no event came first', async () => {
    const fake = fakeApi()
    const store = createAppStore()
    bootstrap(fake.api, store)
    fake.answer('settings:get', settings)
    fake.answer('hosts:list', [])
    await flush()
    expect(store.getState().settings).toEqual(settings)
    expect(store.getState().hosts.loaded).toBe(true)
  })

  it('keeps what the shell offers (app:info), which decides between the folder dialog and the roots', async () => {
    const fake = fakeApi()
    const store = createAppStore()
    bootstrap(fake.api, store)
    expect(fake.calls.map((c) => c.channel)).toContain('app:info')
    expect(store.getState().appInfo).toBeNull()
    const info = { shell: 'serve', roots: ['/srv/dl'], revealUnavailable: 'not here' } as const
    fake.answer('app:info', { ...info, roots: [...info.roots] })
    await flush()
    expect(store.getState().appInfo).toEqual(info)
  })

  it('turns a failed snapshot into a notice and still applies the buffered batches', async () => {
    const fake = fakeApi()
    const store = createAppStore()
    bootstrap(fake.api, store)
    fake.emit('transfers:changed', { seq: 1, patches: [view(1)], removed: [] })
    fake.fail('transfers:list', new Error("Error invoking remote method 'transfers:list': Error: boom"))
    await flush()
    expect(store.getState().ui.notices.map((n) => n.message)).toEqual(['Could not load the transfers: boom'])
    expect(store.getState().transfers.order).toEqual([1])
  })

  it('shows notices from main', () => {
    const fake = fakeApi()
    const store = createAppStore()
    bootstrap(fake.api, store)
    fake.emit('notice', { level: 'warning', code: 'BAD_INPUT', message: 'rule ignored' })
    expect(store.getState().ui.notices).toMatchObject([{ level: 'warning', message: 'rule ignored' }])
  })

  it('opens the add dialog pre-filled with offered links, and asks main for nothing', () => {
    const fake = fakeApi()
    const store = createAppStore()
    bootstrap(fake.api, store)
    const before = fake.calls.length
    fake.emit('links:offered', { urls: ['https://a.test/one.iso', 'https://b.test/two.iso'] })
    expect(store.getState().ui.dialog).toEqual({ kind: 'add' })
    expect(store.getState().ui.addDraft.text).toBe('https://a.test/one.iso\nhttps://b.test/two.iso')
    // Nothing is added: the user confirms in the dialog, which goes through transfers:add like a paste.
    expect(fake.calls.slice(before)).toEqual([])
  })

  it('unsubscribes and ignores late answers once disposed', async () => {
    const fake = fakeApi()
    const store = createAppStore()
    const dispose = bootstrap(fake.api, store)
    dispose()
    expect(fake.listenerCount()).toBe(0)
    fake.answer('transfers:list', { seq: 1, transfers: [view(1)] })
    await flush()
    expect(store.getState().transfers.loaded).toBe(false)
  })
})
