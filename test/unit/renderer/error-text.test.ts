import { describe, expect, it } from 'vitest'

import { ErrorCode } from '../../../shared/errors.ts'
import { errorText, errorTitles } from '../../../renderer/error-text.ts'

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
