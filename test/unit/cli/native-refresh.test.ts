import { describe, expect, it } from 'vitest'

import { waitingOf } from '../../../electron/cli/native-refresh.ts'
import { MAX_WAITING, NativeRequest, RefreshReply, WaitingReply } from '../../../shared/native-messages.ts'
import type { TransferView } from '../../../shared/transfer.ts'

function view(id: number, over: Partial<TransferView>): TransferView {
  return {
    id,
    url: `https://example.com/file-${id}.bin?sig=secret`,
    name: null,
    dir: '/downloads',
    savedPath: null,
    state: 'queued',
    error: null,
    total: 1000,
    done: 0,
    speed: 0,
    eta: null,
    position: id,
    connection: null,
    retry: null,
    createdAt: 0,
    completedAt: null,
    ...over,
  }
}

describe('the waiting downloads the host lists', () => {
  it('keeps paused and failed ones with a name and a size, newest first, without their URLs', () => {
    const list = waitingOf([
      view(1, { name: 'old.iso', state: 'paused', total: 100, done: 40, createdAt: 1 }),
      view(2, { name: 'new.iso', state: 'failed', total: 200, done: 50, createdAt: 2 }),
      view(3, { name: 'running.iso', state: 'downloading', total: 100, done: 10, createdAt: 3 }),
      view(4, { name: 'queued.iso', state: 'queued', createdAt: 4 }),
      view(5, { name: 'done.iso', state: 'completed', total: 100, done: 100, createdAt: 5 }),
      view(6, { name: null, state: 'failed', total: 100, createdAt: 6 }),
      view(7, { name: 'unknown-size.iso', state: 'paused', total: null, createdAt: 7 }),
    ])
    expect(list).toEqual([
      { id: 2, name: 'new.iso', total: 200, done: 50, state: 'failed' },
      { id: 1, name: 'old.iso', total: 100, done: 40, state: 'paused' },
    ])
    // What the host sends must pass the schema the extension reads it with.
    expect(WaitingReply.parse({ type: 'waiting', connected: true, transfers: list }).transfers).toEqual(list)
  })

  it('lists no more than a reply may carry', () => {
    const many = Array.from({ length: MAX_WAITING + 5 }, (_, i) =>
      view(i + 1, { name: `f${i}.bin`, state: 'paused', total: 10, createdAt: i }),
    )
    expect(waitingOf(many)).toHaveLength(MAX_WAITING)
  })
})

describe('the waiting and refresh messages', () => {
  it('accepts a well-formed waiting and refresh', () => {
    expect(NativeRequest.parse({ type: 'waiting' })).toEqual({ type: 'waiting' })
    expect(NativeRequest.parse({ type: 'refresh', id: 3, url: 'https://example.com/a.iso?sig=1' })).toEqual({
      type: 'refresh',
      id: 3,
      url: 'https://example.com/a.iso?sig=1',
    })
    const cookie = { name: 's', value: 'v', domain: 'example.com', path: '/', secure: true }
    const withSession = { type: 'refresh', id: 3, url: 'https://example.com/a', referrer: 'https://example.com/' }
    expect(NativeRequest.parse({ ...withSession, cookies: [cookie] })).toEqual({ ...withSession, cookies: [cookie] })
  })

  it.each([
    [{ type: 'waiting', extra: 1 }],
    [{ type: 'refresh', id: 0, url: 'https://example.com/a' }],
    [{ type: 'refresh', id: 1.5, url: 'https://example.com/a' }],
    [{ type: 'refresh', id: '1', url: 'https://example.com/a' }],
    [{ type: 'refresh', id: 1 }],
    [{ type: 'refresh', id: 1, url: '' }],
    [{ type: 'refresh', id: 1, url: `https://example.com/${'a'.repeat(8192)}` }],
    [{ type: 'refresh', id: 1, url: 'https://example.com/a', password: 'x' }],
    [{ type: 'refresh', id: 1, url: 'https://example.com/a', cookies: [{ name: 'a' }] }],
    [{ type: 'refreshAll' }],
  ])('refuses %j', (message) => {
    expect(NativeRequest.safeParse(message).success).toBe(false)
  })

  it('reads the replies the extension expects and refuses others', () => {
    expect(RefreshReply.parse({ type: 'refresh', ok: true, matchedBy: 'ranges' }).ok).toBe(true)
    const no = { type: 'refresh', ok: false, code: 'REFRESH_REFUSED', reason: 'another file' }
    expect(RefreshReply.parse(no)).toEqual(no)
    expect(RefreshReply.safeParse({ type: 'refresh', ok: true, matchedBy: 'guess' }).success).toBe(false)
    expect(RefreshReply.safeParse({ type: 'refresh', ok: false }).success).toBe(false)
    // The test double's add answer is not a waiting reply: the extension must not read it as one.
    expect(WaitingReply.safeParse({ accepted: true, id: 'tr-1' }).success).toBe(false)
    const running = { id: 1, name: 'a.iso', total: 10, done: 1, state: 'downloading' }
    expect(WaitingReply.safeParse({ type: 'waiting', connected: true, transfers: [running] }).success).toBe(false)
  })
})
