import { PinpointError } from '../../shared/pinpoint-error.ts'
import { parseSignature, type Signature } from './minisign.ts'

/**
 * signify's embedded form (`signify -S -e`, as OpenBSD ships its `SHA256.sig`): the comment line and the
 * signature line, then the signed message itself, byte for byte. Returns undefined for a plain detached file
 * (nothing after the signature line), so the caller can tell the two apart.
 */
export function splitEmbedded(bytes: Buffer): { signature: Signature; message: Buffer } | undefined {
  const first = bytes.indexOf(0x0a)
  const second = first < 0 ? -1 : bytes.indexOf(0x0a, first + 1)
  if (second < 0) return undefined
  const message = bytes.subarray(second + 1)
  if (message.length === 0) return undefined
  const head = bytes.subarray(0, second + 1).toString('utf8')
  if (!head.startsWith('untrusted comment:')) {
    throw new PinpointError('BAD_INPUT', 'not a signify file: its first line is not an "untrusted comment:"')
  }
  // A minisign file's third line is its trusted comment: that is the detached form, not a message.
  if (message.subarray(0, 17).toString('latin1') === 'trusted comment: ') return undefined
  return { signature: parseSignature(head), message: Buffer.from(message) }
}
