import { describe, expect, it } from 'vitest'

import { ErrorCode } from '../../../shared/errors.ts'
import { errorText, errorTitles } from '../../../renderer/error-text.ts'
import { formatRetry } from '../../../shared/format.ts'

describe('errorText', () => {
  it('has a human title for every error code', () => {
    for (const code of ErrorCode.options) expect(errorTitles[code]).toMatch(/^[A-Z]/)
  })

  it('adds main’s message to the title', () => {
    expect(errorText({ code: 'PIN_MISMATCH', message: 'leaf key sha256//abc= is not pinned' })).toBe(
      "The server's key does not match the pin: leaf key sha256//abc= is not pinned",
    )
  })

  it('shows the title alone when the message is empty or repeats it', () => {
    expect(errorText({ code: 'DISK_FULL', message: '' })).toBe('The disk is full')
    expect(errorText({ code: 'DISK_FULL', message: 'The disk is full' })).toBe('The disk is full')
  })
})

describe('the retry text of a row', () => {
  const now = Date.UTC(2030, 0, 1)
  const retry = (inMs: number, message = 'a.test at 127.0.0.1:1: connection refused') => ({
    attempt: 2,
    maxAttempts: 6,
    at: now + inMs,
    error: { code: 'CONNECT_REFUSED' as const, message },
  })

  it('says when, which attempt of how many, and why', () => {
    expect(formatRetry(retry(4000), now)).toBe(
      'retrying in 4 s, attempt 2 of 6: a.test at 127.0.0.1:1: connection refused',
    )
  })

  it('counts whole seconds up, minutes as m:ss, and says "now" once the time has come', () => {
    expect(formatRetry(retry(3001), now)).toMatch(/^retrying in 4 s,/)
    expect(formatRetry(retry(90_000), now)).toMatch(/^retrying in 1:30,/)
    expect(formatRetry(retry(0), now)).toMatch(/^retrying now, attempt 2 of 6:/)
    expect(formatRetry(retry(-5000), now)).toMatch(/^retrying now,/)
  })

  it('shows the code when main sent no message', () => {
    expect(formatRetry(retry(1000, ''), now)).toBe('retrying in 1 s, attempt 2 of 6: CONNECT_REFUSED')
  })
})
