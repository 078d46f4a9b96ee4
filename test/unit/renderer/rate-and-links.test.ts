import { describe, expect, it } from 'vitest'

import { mergeParsed } from '../../../renderer/drop-links.ts'
import { formatRateText, parseRateText } from '../../../shared/rate.ts'

describe('rate text', () => {
  it('reads curl-style rates in powers of 1024, empty as unlimited', () => {
    expect(parseRateText('2M')).toBe(2 * 1024 ** 2)
    expect(parseRateText('500k')).toBe(500 * 1024)
    expect(parseRateText('1.5G')).toBe(1.5 * 1024 ** 3)
    expect(parseRateText('1000')).toBe(1000)
    expect(parseRateText('  ')).toBeNull()
    expect(parseRateText('fast')).toBeUndefined()
    expect(parseRateText('0')).toBeUndefined()
  })

  it('formats a rate back to its shortest exact form', () => {
    expect(formatRateText(2 * 1024 ** 2)).toBe('2M')
    expect(formatRateText(1536)).toBe('1536')
    expect(formatRateText(null)).toBe('')
  })
})

describe('mergeParsed', () => {
  it('keeps each URL once, in order, and flags repeats across parts as duplicates', () => {
    const merged = mergeParsed([
      { urls: ['https://a/1', 'https://a/2'], rejected: [{ input: 'javascript:x', reason: 'script' }], duplicates: [] },
      { urls: ['https://a/2', 'https://a/3'], rejected: [], duplicates: ['https://a/3'] },
    ])
    expect(merged).toEqual({
      urls: ['https://a/1', 'https://a/2', 'https://a/3'],
      rejected: [{ input: 'javascript:x', reason: 'script' }],
      duplicates: ['https://a/2', 'https://a/3'],
    })
  })
})
