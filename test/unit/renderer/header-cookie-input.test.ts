import { describe, expect, it } from 'vitest'

import { cookieTextProblem, headerCookieOptions, headerLinesProblem } from '../../../renderer/header-cookie-input.ts'

// What the add dialog and the header/cookie editor say as the user types: the CLI parsers' own reasons.
describe('header and cookie input', () => {
  it('sends only what was typed, and refuses with the reason before anything is added', () => {
    expect(headerCookieOptions('X-A: 1', '')).toEqual({ ok: true, value: { headers: 'X-A: 1' } })
    expect(headerCookieOptions('Connection: close', '')).toEqual({
      ok: false,
      reason: expect.stringMatching(/^Headers: line 1: "Connection" cannot be set/),
    })
    expect(headerCookieOptions('', 'nope')).toEqual({ ok: false, reason: 'Cookies: "nope" is not a name=value cookie' })
  })

  it('names the problem as it is typed, and nothing for what would be taken', () => {
    expect(headerLinesProblem('X-A: 1\nUpgrade: h2c')).toMatch(/^line 2: "Upgrade" cannot be set/)
    expect(headerLinesProblem('')).toBe('')
    expect(cookieTextProblem('a=1; b="x y"')).toBe('the value of cookie b has a character a cookie cannot hold')
    expect(cookieTextProblem('a=1; b=2')).toBe('')
  })
})
