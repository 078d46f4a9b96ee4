import { describe, expect, it } from 'vitest'

import { signatureOption } from '../../../renderer/signature-input.ts'

describe("the add dialog's signature fields", () => {
  it('make no request when both are empty, and a request for a URL or auto with the key', () => {
    expect(signatureOption(' ', '')).toEqual({ ok: true, value: undefined })
    expect(signatureOption('https://example.org/a.iso.minisig', ' RWQkey ')).toEqual({
      ok: true,
      value: { signature: { url: 'https://example.org/a.iso.minisig' }, keys: ['RWQkey'] },
    })
    expect(signatureOption('AUTO', '')).toEqual({ ok: true, value: { signature: 'auto', keys: [] } })
  })

  it('refuse a key with nothing to check and a signature that is not an http(s) URL', () => {
    expect(signatureOption('', 'RWQkey')).toMatchObject({
      ok: false,
      reason: expect.stringContaining('needs a signature'),
    })
    expect(signatureOption('file:///etc/passwd', 'RWQkey')).toMatchObject({ ok: false })
  })
})
