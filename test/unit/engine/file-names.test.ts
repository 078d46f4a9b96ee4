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
  ])('%s → %s', (url, name) => {
    expect(nameFromUrl(new URL(url))).toBe(name)
  })
})

describe('sanitizeName', () => {
  it('replaces characters Windows forbids and trims trailing dots and spaces', () => {
    expect(sanitizeName('a<b>c:d"e|f?g*h. ')).toBe('a_b_c_d_e_f_g_h')
  })
  it('keeps the extension when cutting a long name to 200 bytes', () => {
    const name = sanitizeName(`${'é'.repeat(300)}.tar.gz`)
    expect(new TextEncoder().encode(name).length).toBeLessThanOrEqual(200)
    expect(name.endsWith('.gz')).toBe(true)
  })
})
