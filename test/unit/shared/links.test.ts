import { describe, expect, it } from 'vitest'

import { checkDownloadUrl } from '../../../shared/links.ts'

describe('checkDownloadUrl', () => {
  it('drops a #fragment: it is never sent to the server, so it names no other file', () => {
    expect(checkDownloadUrl('https://a.test/f.iso#section-2')).toEqual({ ok: true, url: 'https://a.test/f.iso' })
    expect(checkDownloadUrl('https://a.test/f.iso?v=2#x')).toEqual({ ok: true, url: 'https://a.test/f.iso?v=2' })
    expect(checkDownloadUrl('https://a.test/f.iso#')).toEqual({ ok: true, url: 'https://a.test/f.iso' })
    // A # after the query starts the fragment too; an encoded one (%23) is part of the name.
    expect(checkDownloadUrl('https://a.test/f?name=a#b.bin')).toEqual({ ok: true, url: 'https://a.test/f?name=a' })
    expect(checkDownloadUrl('https://a.test/a%23b.bin')).toEqual({ ok: true, url: 'https://a.test/a%23b.bin' })
  })

  it('normalizes what the URL parser normalizes, and refuses what is not http(s)', () => {
    expect(checkDownloadUrl('  HTTPS://A.TEST:443/x  ')).toEqual({ ok: true, url: 'https://a.test/x' })
    expect(checkDownloadUrl('ftp://a.test/x')).toMatchObject({ ok: false })
    expect(checkDownloadUrl('#top')).toMatchObject({ ok: false })
  })
})
