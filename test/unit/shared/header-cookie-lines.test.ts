import { describe, expect, it } from 'vitest'

import { parseHeaderFlag, parseHeaderLines } from '../../../shared/extra-headers.ts'
import {
  CredentialInput,
  credentialState,
  describeHeadersAndCookies,
  withCredentialInput,
} from '../../../shared/transfer-secrets.ts'
import { typedSecrets } from '../../../electron/ipc/typed-secrets.ts'

// The headers and cookies a form takes are read by the CLI's own parsers (-H, -b), so the window and the CLI
// refuse the same things for the same reasons.
describe('header lines', () => {
  it('reads one "Name: value" per line, skipping blank lines and tolerating CRLF line ends', () => {
    expect(parseHeaderLines('X-Token: abc\r\n\n  Accept-Language: de \nX-Empty;\nUser-Agent:')).toEqual([
      { name: 'x-token', value: 'abc' },
      { name: 'accept-language', value: 'de' },
      { name: 'x-empty', value: '' },
      { name: 'user-agent', value: null },
    ])
    expect(parseHeaderLines('')).toEqual([])
    expect(parseHeaderLines('\n \n')).toEqual([])
  })

  it.each([
    ['Host: evil.example', 'Host'],
    ['Content-Length: 0', 'Content-Length'],
    ['Transfer-Encoding: chunked', 'Transfer-Encoding'],
    ['Connection: close', 'Connection'],
    ['Keep-Alive: timeout=5', 'Keep-Alive'],
    ['TE: trailers', 'TE'],
    ['Trailer: X-Sum', 'Trailer'],
    ['Upgrade: h2c', 'Upgrade'],
    ['Proxy-Connection: keep-alive', 'Proxy-Connection'],
    ['Range: bytes=0-', 'Range'],
  ])('refuses %s, naming the line and the header, as -H does', (line, name) => {
    expect(() => parseHeaderLines(`X-Ok: 1\n${line}`)).toThrow(`line 2: "${name}" cannot be set: `)
    expect(() => parseHeaderFlag(line)).toThrow(`-H "${name}" cannot be set: `)
  })

  it('refuses a CR inside a line, a line with no colon and a bad name', () => {
    expect(() => parseHeaderLines('X-A: one\rInjected: two')).toThrow(/^line 1: /)
    expect(() => parseHeaderLines('X-A: one\r')).not.toThrow()
    expect(() => parseHeaderLines('just words')).toThrow('line 1: "just words": expected "Name: value"')
    expect(() => parseHeaderLines('X-Ok: 1\nBad(Name): x')).toThrow(/^line 2: /)
    expect(() => parseHeaderLines(Array.from({ length: 65 }, (_, i) => `X-${i}: v`).join('\n'))).toThrow(
      'at most 64 headers',
    )
  })
})

describe('headers and cookies as credential input', () => {
  it('the IPC schema refuses what the parsers refuse, with their reason', () => {
    const bad = CredentialInput.safeParse({ kind: 'headers', text: 'Host: x' })
    expect(bad.success).toBe(false)
    expect(bad.error?.issues[0]?.message).toContain('"Host" cannot be set')
    const badCookie = CredentialInput.safeParse({ kind: 'cookies', text: 'a=1; b' })
    expect(badCookie.error?.issues[0]?.message).toBe('"b" is not a name=value cookie')
    expect(CredentialInput.safeParse({ kind: 'headers', text: 'X-Token: 1' }).success).toBe(true)
    expect(CredentialInput.safeParse({ kind: 'cookies', text: '' }).success).toBe(true)
  })

  it('replaces all headers or all cookies, keeps the rest, and clears with empty text', () => {
    const start = withCredentialInput(undefined, { kind: 'basic', username: 'al', password: 'pw' })
    const withHeaders = withCredentialInput(start, { kind: 'headers', text: 'X-Token: one\nX-Other: two' })
    const withCookies = withCredentialInput(withHeaders, { kind: 'cookies', text: 'session=abc' })
    expect(withCookies).toEqual({
      username: 'al',
      password: 'pw',
      headers: [
        { name: 'x-token', value: 'one' },
        { name: 'x-other', value: 'two' },
      ],
      cookies: [{ name: 'session', value: 'abc', path: '/', secure: false }],
    })
    const replaced = withCredentialInput(withCookies, { kind: 'headers', text: 'X-New: 3' })
    expect(replaced.headers).toEqual([{ name: 'x-new', value: '3' }])
    expect(replaced.cookies).toHaveLength(1)
    const cleared = withCredentialInput(replaced, { kind: 'headers', text: '' })
    expect(cleared).not.toHaveProperty('headers')
    expect(cleared.username).toBe('al')
    // Clearing the login leaves headers and cookies, as before.
    expect(withCredentialInput(withCookies, { kind: 'clear' })).toEqual({
      headers: withCookies.headers,
      cookies: withCookies.cookies,
    })
  })

  it('what the window learns is names and a count, never a value, and it says each once', () => {
    const s = withCredentialInput(
      withCredentialInput(undefined, { kind: 'headers', text: 'X-Token: sekrit\nX-Other: hidden' }),
      { kind: 'cookies', text: 'session=cookie-value' },
    )
    const state = credentialState(s)
    expect(JSON.stringify(state)).not.toMatch(/sekrit|hidden|cookie-value/)
    expect(describeHeadersAndCookies(state)).toBe('headers x-token, x-other set; 1 cookie set')
    expect(describeHeadersAndCookies(null)).toBe('no extra headers or cookies')
    expect(describeHeadersAndCookies({ bearer: false, headers: ['x-a'], cookies: 3 })).toBe(
      'header x-a set; 3 cookies set',
    )
  })

  it("the add dialog's typed headers and cookies become sealed secrets, and only when something was typed", () => {
    expect(typedSecrets({})).toBeUndefined()
    expect(typedSecrets({ headers: '\n', cookies: ' ' })).toBeUndefined()
    expect(typedSecrets({ headers: 'User-Agent: corp/1', cookies: 'a=1; b=2' })).toEqual({
      headers: [{ name: 'user-agent', value: 'corp/1' }],
      cookies: [
        { name: 'a', value: '1', path: '/', secure: false },
        { name: 'b', value: '2', path: '/', secure: false },
      ],
    })
  })
})
