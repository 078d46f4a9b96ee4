import { describe, expect, expectTypeOf, it } from 'vitest'

import type { ConnectionInfo as TransportConnectionInfo } from '../../../electron/transport/connection-info.ts'
import type { ProbeReport as TransportProbeReport } from '../../../electron/transport/probe.ts'
import { defaultCategories } from '../../../shared/categories.ts'
import type { ConnectionInfo, ProbeReport } from '../../../shared/connection.ts'
import { limits } from '../../../shared/limits.ts'
import {
  eventChannels,
  events,
  MAX_OFFERED_URLS,
  requestChannels,
  requests,
  type Api,
  type Handlers,
  type Output,
  type RequestChannel,
} from '../../../shared/ipc.ts'
import { MAX_URL_CHARS, MAX_URLS } from '../../../shared/links.ts'
import { Settings, SettingsPatch } from '../../../shared/settings.ts'
import type { TransferView } from '../../../shared/transfer.ts'

const add = requests['transfers:add'].input
const TOKEN = `folder-${'A'.repeat(22)}`

describe('the contract', () => {
  it('names channels domain:verb and lists them once', () => {
    for (const c of [...requestChannels, ...eventChannels.filter((c) => c !== 'notice')]) {
      expect(c).toMatch(/^[a-z]+:[a-zA-Z]+$/)
    }
    expect(requestChannels).toHaveLength(Object.keys(requests).length)
    expect(eventChannels.sort()).toEqual([
      'hosts:changed',
      'links:offered',
      'notice',
      'settings:changed',
      'transfers:changed',
    ])
  })

  it('transfers:add takes urls, an optional folder token and options', () => {
    expect(add.parse({ urls: ['https://a.test/'] })).toEqual({ urls: ['https://a.test/'], options: {} })
    expect(
      add.parse({
        urls: ['x'],
        folder: TOKEN,
        options: { split: 8, checksum: 'sha256=00', startPaused: true, limitRate: 1 },
      }),
    ).toMatchObject({ folder: TOKEN, options: { split: 8 } })
  })

  it.each([
    ['an unknown key', { urls: ['https://a.test/'], dir: '/tmp' }, /Unrecognized key/],
    ['an unknown option', { urls: ['https://a.test/'], options: { name: 'x' } }, /Unrecognized key/],
    ['a 9 KiB URL', { urls: [`https://a.test/${'x'.repeat(9 * 1024)}`] }, /expected string to have <=8192/],
    ['10,001 URLs', { urls: Array.from({ length: MAX_URLS + 1 }, () => 'https://a.test/') }, /<=10000/],
    ['no URLs', { urls: [] }, />=1/],
    ['a path where a folder token goes', { urls: ['https://a.test/'], folder: '/etc' }, /folder token/],
    ['a number for a URL', { urls: [42] }, /expected string/],
    ['a split of 17', { urls: ['https://a.test/'], options: { split: 17 } }, /<=16/],
    ['a fractional rate', { urls: ['https://a.test/'], options: { limitRate: 1.5 } }, /int/],
  ])('transfers:add refuses %s', (_what, input, message) => {
    const parsed = add.safeParse(input)
    expect(parsed.success).toBe(false)
    expect(parsed.error?.issues[0]?.message).toMatch(message)
  })

  it('caps every list of ids and every text', () => {
    const ids = requests['transfers:pause'].input
    expect(ids.safeParse({ ids: Array.from({ length: MAX_URLS }, (_, i) => i + 1) }).success).toBe(true)
    expect(ids.safeParse({ ids: Array.from({ length: MAX_URLS + 1 }, (_, i) => i + 1) }).success).toBe(false)
    expect(ids.safeParse({ ids: [0] }).success).toBe(false)
    expect(ids.safeParse({ ids: [1.5] }).success).toBe(false)
    const parse = requests['links:parse'].input
    expect(parse.safeParse({ text: 'x'.repeat(1024 * 1024), kind: 'text' }).success).toBe(true)
    expect(parse.safeParse({ text: 'x'.repeat(1024 * 1024 + 1), kind: 'text' }).success).toBe(false)
    expect(parse.safeParse({ text: '', kind: 'rtf' }).success).toBe(false)
    expect(requests['hosts:probe'].input.safeParse({ url: 'file:///etc/passwd' }).success).toBe(false)
    expect(
      requests['hosts:probe'].input.safeParse({ url: `https://a.test/${'x'.repeat(MAX_URL_CHARS)}` }).success,
    ).toBe(false)
  })

  it('no request takes a path: reveal, open and details take an id only', () => {
    for (const c of ['transfers:reveal', 'transfers:open', 'transfers:details'] as const) {
      expect(requests[c].input.safeParse({ id: 1, path: '/etc/passwd' }).success).toBe(false)
    }
  })

  it('event payloads are schemas too', () => {
    expect(events.notice.safeParse({ level: 'error', code: 'DISK_FULL', message: 'full' }).success).toBe(true)
    expect(events.notice.safeParse({ level: 'fatal', message: 'x' }).success).toBe(false)
    expect(events['transfers:changed'].safeParse({ seq: 1, patches: [], removed: [3] }).success).toBe(true)
  })

  it('links:offered carries 1 to MAX_OFFERED_URLS http(s) URLs and nothing else', () => {
    const offered = events['links:offered']
    const many = (n: number) => Array.from({ length: n }, (_, i) => `https://a.test/${i}`)
    expect(offered.parse({ urls: ['https://a.test/x'] })).toEqual({ urls: ['https://a.test/x'] })
    expect(offered.safeParse({ urls: many(MAX_OFFERED_URLS) }).success).toBe(true)
    expect(offered.safeParse({ urls: many(MAX_OFFERED_URLS + 1) }).success).toBe(false)
    expect(offered.safeParse({ urls: [] }).success).toBe(false)
    expect(offered.safeParse({ urls: ['file:///etc/passwd'] }).success).toBe(false)
    expect(offered.safeParse({ urls: ['javascript:alert(1)'] }).success).toBe(false)
    expect(offered.safeParse({ urls: [`https://a.test/${'x'.repeat(MAX_URL_CHARS)}`] }).success).toBe(false)
    expect(offered.safeParse({ urls: ['https://a.test/'], start: true }).success).toBe(false)
  })
})

describe('settings', () => {
  it('defaults every field but the folder, which only main knows', () => {
    expect(Settings.parse({ downloadDir: '/home/u/Downloads' })).toEqual({
      downloadDir: '/home/u/Downloads',
      maxActive: 3,
      split: 4,
      limitRate: null,
      notifications: true,
      startAtLogin: false,
      closeToTray: true,
      categories: defaultCategories,
      dns: { mode: 'system' },
      priority: 'normal',
      schedule: [],
      proxy: { mode: 'system' },
      startFromBrowser: false,
    })
    expect(Settings.safeParse({}).success).toBe(false)
    expect(Settings.safeParse({ downloadDir: '/d', dns: { mode: 'doh' } }).success).toBe(false)
    expect(Settings.safeParse({ downloadDir: '/d', maxActive: limits.maxActive.max + 1 }).success).toBe(false)
    expect(Settings.safeParse({ downloadDir: '/d', extra: 1 }).success).toBe(false)
  })

  it('a patch may not set the folder by path, and invents no defaults', () => {
    expect(SettingsPatch.safeParse({ downloadDir: '/etc' }).success).toBe(false)
    expect(SettingsPatch.safeParse({ downloadFolder: '/etc' }).success).toBe(false)
    expect(SettingsPatch.parse({ downloadFolder: TOKEN })).toEqual({ downloadFolder: TOKEN })
    expect(SettingsPatch.parse({})).toEqual({})
    expect(SettingsPatch.safeParse({ split: 0 }).success).toBe(false)
    expect(SettingsPatch.parse({ limitRate: null })).toEqual({ limitRate: null })
    // A category's folder is a token too, never a path.
    expect(SettingsPatch.safeParse({ category: { id: 'video', folder: '/etc' } }).success).toBe(false)
    expect(SettingsPatch.safeParse({ category: { id: 'video', dir: '/etc' } }).success).toBe(false)
    expect(SettingsPatch.parse({ category: { id: 'video', folder: null } })).toEqual({
      category: { id: 'video', folder: null },
    })
    expect(SettingsPatch.safeParse({ category: { id: 'video', extensions: ['../x'] } }).success).toBe(false)
  })
})

describe('types (checked by tsc; these tests are what fails to compile if the contract drifts)', () => {
  it('Handlers has exactly one handler per request channel, and leaving one out does not compile', () => {
    expectTypeOf<keyof Handlers>().toEqualTypeOf<RequestChannel>()
    const partial = {} as Omit<Handlers, 'transfers:list'>
    // @ts-expect-error a missing handler is a compile error
    const incomplete: Handlers = partial
    expect(incomplete).toBeDefined()
  })

  it('Api.invoke is typed by channel', () => {
    expectTypeOf<Output<'transfers:list'>>().toEqualTypeOf<{ seq: number; transfers: TransferView[] }>()
    expectTypeOf<ReturnType<Api['invoke']>>().toEqualTypeOf<Promise<Output<RequestChannel>>>()
    const api = {} as Api
    expectTypeOf(api.invoke<'transfers:reveal'>).returns.resolves.toEqualTypeOf<{ ok: boolean; reason?: string }>()
    // @ts-expect-error the renderer cannot send a path to transfers:open
    void (() => api.invoke('transfers:open', { path: '/etc/passwd' }))
  })

  it("the wire schemas match the transport's ConnectionInfo and ProbeReport exactly", () => {
    expectTypeOf<ConnectionInfo>().toEqualTypeOf<TransportConnectionInfo>()
    expectTypeOf<Omit<ProbeReport, 'chain'>>().toEqualTypeOf<Omit<TransportProbeReport, 'chain'>>()
    // The transport writes a chain entry as Pick<…> & { spki }; flattening lets the two shapes compare.
    type Flat<T> = { [K in keyof T]: T[K] }
    expectTypeOf<ProbeReport['chain'][number]>().toEqualTypeOf<Flat<TransportProbeReport['chain'][number]>>()
  })
})
