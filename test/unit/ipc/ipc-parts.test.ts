import { describe, expect, it } from 'vitest'

import { createConnectionLog } from '../../../electron/ipc/connection-log.ts'
import { emit } from '../../../electron/ipc/emit.ts'
import { createFolderTokens } from '../../../electron/ipc/folder-tokens.ts'
import type { ConnectionInfo } from '../../../electron/transport/connection-info.ts'
import { FolderToken } from '../../../shared/settings.ts'

describe('folder tokens', () => {
  it('maps a token to the path main chose, and nothing else to anything', () => {
    const tokens = createFolderTokens()
    const t = tokens.issue('/home/u/Downloads')
    expect(FolderToken.safeParse(t).success).toBe(true)
    expect(t).not.toContain('home')
    expect(tokens.resolve(t)).toBe('/home/u/Downloads')
    expect(tokens.issue('/home/u/Downloads')).toBe(t)
    expect(tokens.resolve('/home/u/Downloads')).toBeUndefined()
    expect(tokens.resolve(`folder-${'A'.repeat(22)}`)).toBeUndefined()
    expect(tokens.resolve('__proto__')).toBeUndefined()
  })

  it('are random per folder and per run', () => {
    const a = createFolderTokens()
    const b = createFolderTokens()
    expect(a.issue('/x')).not.toBe(a.issue('/y'))
    expect(a.issue('/x')).not.toBe(b.issue('/x'))
  })

  it('are only for absolute paths', () => {
    expect(() => createFolderTokens().issue('relative/dir')).toThrow(/absolute/)
  })
})

describe('connection log', () => {
  const info = (url: string, at: string): ConnectionInfo => {
    const u = new URL(url)
    return {
      url,
      host: u.hostname,
      address: '127.0.0.1',
      port: Number(u.port || 443),
      servername: u.hostname,
      hostHeader: u.host,
      protocol: 'TLSv1.3',
      cipher: 'TLS_AES_128_GCM_SHA256',
      alpn: 'http/1.1',
      chain: [],
      verified: true,
      trust: 'ca',
      connectMs: 1,
      handshakeMs: 2,
      attempts: [],
      at,
    }
  }

  it("finds a transfer's connections by its URL and final URL, oldest first", () => {
    const log = createConnectionLog()
    log.record(info('https://b.test/final', '2030-01-01T00:00:02.000Z'))
    log.record(info('https://a.test/start', '2030-01-01T00:00:01.000Z'))
    log.record(info('https://a.test/other', '2030-01-01T00:00:03.000Z'))
    const found = log.forUrls(['https://a.test/start', 'https://b.test/final', null])
    expect(found.map((c) => c.url)).toEqual(['https://a.test/start', 'https://b.test/final'])
  })

  it('keeps the last N per host and forgets the least recently used hosts', () => {
    const log = createConnectionLog({ perHost: 2, maxHosts: 2 })
    for (let i = 0; i < 5; i++) log.record(info('https://a.test/x', `2030-01-01T00:00:0${i}.000Z`))
    expect(log.forUrls(['https://a.test/x']).map((c) => c.at)).toEqual([
      '2030-01-01T00:00:03.000Z',
      '2030-01-01T00:00:04.000Z',
    ])
    log.record(info('https://b.test/y', '2030-01-01T00:01:00.000Z'))
    log.record(info('https://a.test/x', '2030-01-01T00:01:01.000Z'))
    log.record(info('https://c.test/z', '2030-01-01T00:01:02.000Z'))
    expect(log.forUrls(['https://b.test/y'])).toEqual([])
    expect(log.forUrls(['https://a.test/x'])).toHaveLength(2)
    expect(log.forUrls(['https://c.test/z'])).toHaveLength(1)
  })
})

describe('emit', () => {
  it('sends to a live page and skips a destroyed one', () => {
    const sent: unknown[] = []
    const page = { destroyed: false, isDestroyed: () => page.destroyed, send: (...args: unknown[]) => sent.push(args) }
    emit(page, 'notice', { level: 'info', message: 'hi' })
    page.destroyed = true
    emit(page, 'notice', { level: 'info', message: 'gone' })
    expect(sent).toEqual([['notice', { level: 'info', message: 'hi' }]])
  })
})
