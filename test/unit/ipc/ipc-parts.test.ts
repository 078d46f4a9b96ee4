import { describe, expect, it } from 'vitest'

import { emit } from '../../../electron/ipc/emit.ts'
import { createFolderTokens } from '../../../electron/ipc/folder-tokens.ts'
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
