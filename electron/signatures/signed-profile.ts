import { PinpointError } from '../../shared/pinpoint-error.ts'

/**
 * A signed host profile in one file: the four lines of its minisign signature, then the profile's JSON, byte
 * for byte as it was signed. The parts come apart with `head -n 4` (the `.minisig`) and `tail -n +5` (the JSON),
 * and `minisign -V` checks them as they are. A profile can also travel as two files, the JSON and a `.minisig`
 * beside it (what `minisign -S -m profile.json` makes).
 */
const SIGNATURE_LINES = 4
const UNTRUSTED = 'untrusted comment:'

export interface SignedProfileParts {
  /** The signed bytes: the profile's JSON. */
  readonly json: Buffer
  /** The minisign signature file's text; absent when the file is the JSON alone. */
  readonly signature?: string
}

/** Join a profile's JSON and its minisign signature into the one-file form. */
export function joinSignedProfile(json: Buffer, signature: string): Buffer {
  const lines = signature.split('\n')
  if (lines.length !== SIGNATURE_LINES + 1 || lines[SIGNATURE_LINES] !== '' || !signature.startsWith(UNTRUSTED)) {
    throw new Error('joinSignedProfile: expected the four lines of a minisign signature')
  }
  return Buffer.concat([Buffer.from(signature, 'utf8'), json])
}

/** Split a profile file into its JSON and, in the one-file form, its signature. */
export function splitSignedProfile(file: Buffer): SignedProfileParts {
  if (!file.subarray(0, UNTRUSTED.length).equals(Buffer.from(UNTRUSTED))) return { json: file }
  let at = 0
  for (let line = 0; line < SIGNATURE_LINES; line++) {
    const end = file.indexOf(0x0a, at)
    if (end < 0) {
      throw new PinpointError('BAD_INPUT', 'not a signed host profile: the signature is cut short')
    }
    at = end + 1
  }
  return { json: file.subarray(at), signature: file.subarray(0, at).toString('utf8') }
}
