/**
 * SPKI pins in curl's `--pinnedpubkey` syntax.
 *
 * A pin is the base64 SHA-256 of a certificate's DER SubjectPublicKeyInfo. curl writes them as
 * `sha256//<b64>` joined by `;`; `sha256/<b64>` (one slash) and bare base64 are accepted too, because users
 * paste them from tools that print either. Everything here is plain string work so the renderer can validate
 * a pin field with the same code the main process uses.
 */

const BASE64 = /^[A-Za-z0-9+/]{43}=$/

export type PinParse = { ok: true; pins: string[] } | { ok: false; error: string }

/** Parse one or more pins; the result holds bare base64 values, de-duplicated, in input order. */
export function parsePins(text: string): PinParse {
  const parts = text
    .split(';')
    .map((p) => p.trim())
    .filter((p) => p.length > 0)
  if (parts.length === 0) return { ok: false, error: 'no pin given: expected sha256//<base64 of 32 bytes>' }
  const pins: string[] = []
  for (const part of parts) {
    const value = stripPrefix(part)
    if (value === undefined) {
      return { ok: false, error: `unsupported pin "${truncate(part)}": only sha256//<base64> pins are supported` }
    }
    if (!BASE64.test(value)) {
      return {
        ok: false,
        error: `bad pin "${truncate(part)}": a SHA-256 pin is 44 base64 characters ending in "=" (32 bytes)`,
      }
    }
    // atob/btoa round-trip rejects non-canonical encodings, which would otherwise never match a real pin.
    if (btoa(atob(value)) !== value) {
      return { ok: false, error: `bad pin "${truncate(part)}": not canonical base64` }
    }
    if (!pins.includes(value)) pins.push(value)
  }
  return { ok: true, pins }
}

function stripPrefix(part: string): string | undefined {
  // A whole bare value first: base64 may itself hold "//" after letters, which must not read as an algorithm.
  if (BASE64.test(part)) return part
  if (part.startsWith('sha256//')) return part.slice(8)
  if (part.startsWith('sha256/')) return part.slice(7)
  // A bare value has no slash-delimited algorithm; anything else (e.g. "sha1//…") is a different algorithm.
  if (/^[a-z0-9]+\/\//i.test(part)) return undefined
  return part
}

function truncate(s: string): string {
  return s.length > 60 ? `${s.slice(0, 57)}...` : s
}

/** The curl form of a pin, as shown to users and printed by `pinpoint probe`. */
export function formatPin(pin: string): string {
  return `sha256//${pin}`
}
