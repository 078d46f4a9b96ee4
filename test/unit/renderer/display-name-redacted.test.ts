import { describe, expect, it } from 'vitest'

import { displayName } from '../../../renderer/store/visible.ts'

// A row named after its URL (no file name yet, no path segment) shows that URL without its secrets.

describe('displayName', () => {
  it('falls back to the URL without userinfo or signature', () => {
    expect(displayName({ name: null, url: 'https://u:pw@h.test/?sig=SECRET&v=2' })).toBe('https://h.test/?sig=…&v=2')
    expect(displayName({ name: null, url: 'https://h.test/dir/f.iso?sig=SECRET' })).toBe('f.iso')
    expect(displayName({ name: 'kept.bin', url: 'https://h.test/?sig=SECRET' })).toBe('kept.bin')
  })
})
