import { describe, expect, it } from 'vitest'

import { joinSignedProfile, splitSignedProfile } from '../../../electron/signatures/signed-profile.ts'

const SIG = 'untrusted comment: c\nRUQAAA\ntrusted comment: t\nGLOBAL\n'

describe('the one-file form of a signed profile', () => {
  it('is the four signature lines, then the JSON byte for byte', () => {
    const json = Buffer.from('{\n  "a": "\u00e9"\n}\n')
    const file = joinSignedProfile(json, SIG)
    expect(file.toString('utf8').split('\n').slice(0, 4).join('\n') + '\n').toBe(SIG)
    const parts = splitSignedProfile(file)
    expect(parts.signature).toBe(SIG)
    expect(parts.json.equals(json)).toBe(true)
  })

  it('a file that does not start with the signature is the JSON alone', () => {
    const json = Buffer.from('{"format":"pinpoint-host-profile/1"}\n')
    expect(splitSignedProfile(json)).toEqual({ json })
  })

  it('a signature cut short is refused as bad input, not read as JSON', () => {
    expect(() => splitSignedProfile(Buffer.from('untrusted comment: c\nRUQAAA\n'))).toThrow(/cut short/)
  })

  it('joins only a four-line signature', () => {
    expect(() => joinSignedProfile(Buffer.from('{}'), 'untrusted comment: x\nRUQ\n')).toThrow(/four lines/)
  })
})
