import { describe, expect, it } from 'vitest'

import { matchWaiting, normaliseName, percentDone } from '../../../extension/src/waiting-match.ts'
import type { WaitingTransfer } from '../../../shared/native-messages.ts'

const iso: WaitingTransfer = { id: 7, name: 'debian-12.iso', total: 660_000_000, done: 400_000_000, state: 'failed' }

describe('normaliseName', () => {
  it.each([
    ['debian-12.iso', 'debian-12.iso'],
    ['debian-12 (1).iso', 'debian-12.iso'],
    ['debian-12(3).iso', 'debian-12.iso'],
    ['Debian-12.ISO', 'debian-12.iso'],
    ['archive (2).tar.gz', 'archive.tar.gz'],
    ['/home/me/Downloads/report (12).pdf', 'report.pdf'],
    ['C:\\Users\\me\\Downloads\\setup (1).exe', 'setup.exe'],
    ['README (1)', 'readme'],
    ['  spaced.bin ', 'spaced.bin'],
    // Composed and decomposed é are one name.
    ['caf\u0065\u0301.zip', 'caf\u00e9.zip'],
  ])('%s → %s', (given, expected) => {
    expect(normaliseName(given)).toBe(expected)
  })

  it('leaves a counter that is not at the end of the name alone', () => {
    expect(normaliseName('part (1) of 3.zip')).toBe('part (1) of 3.zip')
  })
})

describe('matchWaiting', () => {
  it('finds a waiting download of the same name and size, through the browser clash counter', () => {
    expect(matchWaiting([iso], { name: 'debian-12.iso', size: iso.total })).toBe(iso)
    expect(matchWaiting([iso], { name: 'debian-12 (1).iso', size: iso.total })).toBe(iso)
    expect(matchWaiting([{ ...iso, name: 'debian-12 (1).iso' }], { name: 'debian-12.iso', size: iso.total })).toEqual({
      ...iso,
      name: 'debian-12 (1).iso',
    })
  })

  it('needs the size to be equal and known', () => {
    expect(matchWaiting([iso], { name: 'debian-12.iso', size: iso.total + 1 })).toBeUndefined()
    expect(matchWaiting([iso], { name: 'debian-12.iso', size: 0 })).toBeUndefined()
    expect(matchWaiting([iso], { name: 'debian-12.iso', size: -1 })).toBeUndefined()
  })

  it('needs the same name', () => {
    expect(matchWaiting([iso], { name: 'debian-13.iso', size: iso.total })).toBeUndefined()
    expect(matchWaiting([iso], { name: '', size: iso.total })).toBeUndefined()
  })

  it('takes only paused or failed downloads that are not complete', () => {
    const paused = { ...iso, state: 'paused' as const }
    expect(matchWaiting([paused], { name: iso.name, size: iso.total })).toBe(paused)
    const running = { ...iso, state: 'downloading' } as unknown as WaitingTransfer
    expect(matchWaiting([running], { name: iso.name, size: iso.total })).toBeUndefined()
    expect(matchWaiting([{ ...iso, done: iso.total }], { name: iso.name, size: iso.total })).toBeUndefined()
  })

  it('picks the one furthest along among several', () => {
    const early = { ...iso, id: 1, done: 10 }
    const late = { ...iso, id: 2, done: 500_000_000 }
    const other = { ...iso, id: 3, name: 'other.iso', done: 600_000_000 }
    expect(matchWaiting([early, late, other], { name: iso.name, size: iso.total })?.id).toBe(2)
  })
})

describe('percentDone', () => {
  it('rounds down and never says 100 for a download not complete', () => {
    expect(percentDone(iso)).toBe(60)
    expect(percentDone({ done: 999, total: 1000 })).toBe(99)
    expect(percentDone({ done: 0, total: 1000 })).toBe(0)
  })
})
