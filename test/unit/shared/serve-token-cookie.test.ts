import { describe, expect, it } from 'vitest'

import { cookieName } from '../../../electron/serve/security.ts'
import { isServeTokenCookie, withoutServeTokens } from '../../../shared/serve-token-cookie.ts'

describe("serve's token cookie, kept out of every download", () => {
  it('knows the name serve sets on every port', () => {
    for (const port of [1, 80, 443, 8080, 41234, 65535]) expect(isServeTokenCookie(cookieName(port))).toBe(true)
  })

  it("leaves a site's own cookies alone, near-misses included", () => {
    for (const name of [
      'session',
      'pinpoint-token',
      'pinpoint-token-',
      'pinpoint-token-80x',
      'pinpoint-token-8080-a',
      'xpinpoint-token-80',
      'Pinpoint-Token-80',
      'pinpoint-token-123456',
    ])
      expect(isServeTokenCookie(name)).toBe(false)
  })

  it('drops only the token cookies, keeping the rest in order', () => {
    const jar = [
      { name: 'a', value: '1' },
      { name: cookieName(8080), value: 'secret' },
      { name: 'b', value: '2' },
      { name: cookieName(443), value: 'secret' },
    ]
    expect(withoutServeTokens(jar)).toEqual([
      { name: 'a', value: '1' },
      { name: 'b', value: '2' },
    ])
  })
})
