import { describe, expect, it } from 'vitest'

import { nameFromUrl, sanitizeName } from '../../../electron/engine/file-names.ts'

describe('nameFromUrl', () => {
  it.each([
    ['https://a.test/dir/file.iso', 'file.iso'],
    ['https://a.test/dir/..%2F..%2Fetc%2Fpasswd', 'passwd'],
    ['https://a.test/dir/a%5C..%5Cevil.exe', 'evil.exe'],
    ['https://a.test/', 'download'],
    ['https://a.test/..', 'download'],
    ['https://a.test/%2e%2e', 'download'],
    ['https://a.test/x/%E2%80%AEgpj.exe', '_gpj.exe'],
    ['https://a.test/CON', '_CON'],
    ['https://a.test/.bashrc', 'bashrc'],
    ['https://a.test/bad%00name%0a.txt', 'bad_name_.txt'],
    ['https://a.test/movie.mkv.part', 'movie.mkv.part.download'],
  ])('%s → %s', (url, name) => {
    expect(nameFromUrl(new URL(url))).toBe(name)
  })
})

describe('sanitizeName', () => {
  it('replaces characters Windows forbids and trims trailing dots and spaces', () => {
    expect(sanitizeName('a<b>c:d"e|f?g*h. ')).toBe('a_b_c_d_e_f_g_h')
  })
  it('counts bytes, not characters, at the 200-byte limit', () => {
    expect(sanitizeName('a'.repeat(200))).toBe('a'.repeat(200))
    expect(sanitizeName('a'.repeat(201))).toBe('a'.repeat(200))
    expect(sanitizeName('é'.repeat(100))).toBe('é'.repeat(100))
    expect(sanitizeName('é'.repeat(101))).toBe('é'.repeat(100))
    expect(sanitizeName('😀'.repeat(51))).toBe('😀'.repeat(50))
  })
  it('keeps the extension when cutting a long name to 200 bytes', () => {
    const name = sanitizeName(`${'é'.repeat(300)}.tar.gz`)
    expect(new TextEncoder().encode(name).length).toBeLessThanOrEqual(200)
    expect(name.endsWith('.gz')).toBe(true)
  })
  it.each([
    ['movie.mkv.part', 'movie.mkv.part.download'],
    ['MOVIE.MKV.PART', 'MOVIE.MKV.PART.download'],
    ['setup.Part', 'setup.Part.download'],
    ['movie.mkv.part. ', 'movie.mkv.part.download'],
    ['dir/.part', 'part'],
    ['movie.part.download', 'movie.part.download'],
    ['movie.partial', 'movie.partial'],
    ['movie.mkv', 'movie.mkv'],
  ])('never a final name ending in .part, which would look like an unfinished download: %s → %s', (input, name) => {
    expect(sanitizeName(input)).toBe(name)
  })
  it('keeps .part.download within 200 bytes, cutting the stem', () => {
    const name = sanitizeName(`${'é'.repeat(300)}.part`)
    expect(new TextEncoder().encode(name).length).toBeLessThanOrEqual(200)
    expect(name).toMatch(/^é+\.part\.download$/)
  })
  it('changes a name that cutting leaves ending in .part', () => {
    const name = sanitizeName(`${'a'.repeat(195)}.part${'b'.repeat(20)}`)
    expect(name).toBe(`${'a'.repeat(186)}.part.download`)
  })
})
