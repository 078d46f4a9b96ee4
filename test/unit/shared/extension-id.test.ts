import { createHash, createPublicKey } from 'node:crypto'

import { describe, expect, it } from 'vitest'

import { EXTENSION_ID, EXTENSION_PUBLIC_KEY, extensionIdFromSha256Hex } from '../../../shared/extension-id.ts'

describe('the extension id', () => {
  it('is what Chromium derives from the public key in the manifest', () => {
    const der = Buffer.from(EXTENSION_PUBLIC_KEY, 'base64')
    const digest = createHash('sha256').update(der).digest('hex')
    expect(extensionIdFromSha256Hex(digest)).toBe(EXTENSION_ID)
    expect(EXTENSION_ID).toMatch(/^[a-p]{32}$/)
  })

  it('is a 2048-bit RSA public key, with no private half in the source', () => {
    const key = createPublicKey({ key: Buffer.from(EXTENSION_PUBLIC_KEY, 'base64'), format: 'der', type: 'spki' })
    expect(key.asymmetricKeyType).toBe('rsa')
    expect(key.asymmetricKeyDetails?.modulusLength).toBe(2048)
  })

  it('maps each hex digit 0-f to a-p', () => {
    expect(extensionIdFromSha256Hex('0123456789abcdef0123456789abcdefffff')).toBe('abcdefghijklmnopabcdefghijklmnop')
    expect(() => extensionIdFromSha256Hex('XYZ')).toThrow(/hex digest/)
  })
})
