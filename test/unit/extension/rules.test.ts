import { describe, expect, it } from 'vitest'

import {
  decideCapture,
  DEFAULT_RULES,
  MIB,
  siteMatches,
  suggestedName,
  type CaptureRules,
  type DownloadFacts,
} from '../../../extension/src/rules.ts'

const big: DownloadFacts = {
  url: 'https://example.com/files/video.mp4',
  filename: '',
  mime: 'video/mp4',
  totalBytes: 5 * MIB,
  state: 'in_progress',
}
const rules = (patch: Partial<CaptureRules> = {}): CaptureRules => ({ ...DEFAULT_RULES, ...patch })

describe('decideCapture', () => {
  it('captures a large http(s) download by default', () => {
    expect(decideCapture(DEFAULT_RULES, big)).toEqual({ capture: true })
    expect(decideCapture(DEFAULT_RULES, { ...big, url: 'http://example.com/a.iso' })).toEqual({ capture: true })
  })

  it('leaves everything in the browser when capture is switched off', () => {
    expect(decideCapture(rules({ enabled: false }), big)).toEqual({ capture: false, reason: 'Capture is switched off' })
  })

  it('keeps known-small downloads, captures those of unknown size and exactly the minimum', () => {
    const small = decideCapture(DEFAULT_RULES, { ...big, totalBytes: MIB - 1 })
    expect(small).toEqual({ capture: false, reason: 'Smaller than the 1 MiB minimum' })
    expect(decideCapture(DEFAULT_RULES, { ...big, totalBytes: MIB })).toEqual({ capture: true })
    expect(decideCapture(DEFAULT_RULES, { ...big, totalBytes: 0 })).toEqual({ capture: true })
    expect(decideCapture(DEFAULT_RULES, { ...big, totalBytes: -1 })).toEqual({ capture: true })
    expect(decideCapture(rules({ minSize: 10 * MIB }), big)).toMatchObject({ capture: false })
  })

  it('never captures blob: or data: downloads, even from an always site', () => {
    const always = rules({ alwaysSites: ['example.com'] })
    for (const url of ['blob:https://example.com/5e1c-11', 'data:application/octet-stream;base64,AAAA']) {
      const d = decideCapture(always, { ...big, url, finalUrl: url })
      expect(d.capture).toBe(false)
      expect(d).toHaveProperty('reason', expect.stringMatching(/^(blob|data): downloads stay in the browser$/))
    }
  })

  it('decides on the final URL after redirects', () => {
    const d = decideCapture(rules({ neverSites: ['cdn.test'] }), { ...big, finalUrl: 'https://dl.cdn.test/v.mp4' })
    expect(d).toEqual({ capture: false, reason: 'dl.cdn.test is on the never list (cdn.test)' })
  })

  it('sends an always site whatever its size or type, and never wins over always', () => {
    const tiny = { ...big, url: 'https://dl.example.com/a.txt', totalBytes: 10 }
    expect(decideCapture(rules({ alwaysSites: ['example.com'], fileTypes: ['iso'] }), tiny)).toEqual({
      capture: true,
    })
    expect(decideCapture(rules({ alwaysSites: ['example.com'], neverSites: ['dl.example.com'] }), tiny)).toMatchObject({
      capture: false,
    })
  })

  it('captures only the listed file types when some are listed', () => {
    const only = rules({ fileTypes: ['.ISO', 'zip'] })
    expect(decideCapture(only, { ...big, url: 'https://example.com/disk.iso' })).toEqual({ capture: true })
    expect(decideCapture(only, { ...big, filename: '/home/u/Downloads/b.ZIP' })).toEqual({ capture: true })
    expect(decideCapture(only, big)).toEqual({ capture: false, reason: '.mp4 is not a captured file type' })
    expect(decideCapture(only, { ...big, url: 'https://example.com/download' })).toEqual({
      capture: false,
      reason: 'The file has no captured type',
    })
  })

  it('ignores downloads the browser has already finished or interrupted', () => {
    expect(decideCapture(DEFAULT_RULES, { ...big, state: 'complete' })).toMatchObject({ capture: false })
    expect(decideCapture(DEFAULT_RULES, { ...big, state: 'interrupted' })).toMatchObject({ capture: false })
  })

  it('refuses a download without a valid URL', () => {
    expect(decideCapture(DEFAULT_RULES, { ...big, url: 'not a url' })).toEqual({
      capture: false,
      reason: 'The download has no valid URL',
    })
  })
})

describe('siteMatches', () => {
  it('matches the host and its subdomains, never a lookalike', () => {
    expect(siteMatches('example.com', 'example.com')).toBe(true)
    expect(siteMatches('dl.Example.com.', '*.example.com')).toBe(true)
    expect(siteMatches('badexample.com', 'example.com')).toBe(false)
    expect(siteMatches('example.com', '')).toBe(false)
  })
})

describe('suggestedName', () => {
  it("prefers the browser's file name, else the URL's last segment decoded", () => {
    expect(suggestedName({ url: 'https://x.test/a/b%20c.iso', filename: '' })).toBe('b c.iso')
    expect(suggestedName({ url: 'https://x.test/a/b.iso', filename: 'C:\\Users\\u\\real.iso' })).toBe('real.iso')
    expect(suggestedName({ url: 'https://x.test/' })).toBeUndefined()
  })
})
