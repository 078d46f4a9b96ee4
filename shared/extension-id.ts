/**
 * The browser extension's identity. Chromium derives an unpacked or packed extension's id from the public key
 * in its manifest's `key`, so shipping this key fixes the id, and the native messaging host manifests can name
 * only this extension in `allowed_origins`. Only the public half exists in the source; the private half was
 * never kept, as nothing needs to sign with it (the stores sign what they publish).
 */

/** The manifest `key`: the RSA public key as base64 SubjectPublicKeyInfo DER. */
export const EXTENSION_PUBLIC_KEY =
  'MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAtH4v18B+bZL0586wu6kJtLjy/hKHfsDR5jv/hXf9d8uQqoaMyiREPAaq8t9WJU8UoBQTYsXOxiWQgkaqXyPZvH33O5dkXev9RknJ0ZYmLgy2iO9SDAmG2FGBUDdi87yEYI+stfkAAnMar4bbQCOvTQ3pP6CG/TCDeH+E8GtY8ODwvij2sTUI3tdfDqjXbXr14E+Xvk3wGkzu+deHgXWtztaOWGCc1rQOi1kx+RZ+x0l3idLs/RyOhdqujV+NYon5nPi7VK7zmjmevaB/y8CgVDDt7lol4hHYaoe+pj4jY3IcpiIlqpuCe24RxVwo43Udk6yKJ/4u9SvAM652RjAZEwIDAQAB'

/** Chromium's id for `EXTENSION_PUBLIC_KEY` (see `extensionIdFromSha256Hex`; a unit test holds them equal). */
export const EXTENSION_ID = 'hhemhmbkkcceamhfddpflfnhokikmaja'

/** Firefox names an extension by the id in its manifest's `browser_specific_settings.gecko.id`. */
export const FIREFOX_EXTENSION_ID = 'pinpoint@pinpoint.org'

/** The native messaging host's name: the manifest's file name and what the extension asks to connect to. */
export const NATIVE_HOST_NAME = 'org.pinpoint.native'

/**
 * Chromium's mapping from a key to an id: the first 32 hex digits of the SHA-256 of the DER key, each digit
 * 0-f written as a letter a-p (a pure function of the digest, so the browser-side code needs no crypto here).
 */
export function extensionIdFromSha256Hex(hex: string): string {
  if (!/^[0-9a-f]{32,}$/.test(hex)) throw new Error('not a lower-case SHA-256 hex digest')
  return [...hex.slice(0, 32)].map((d) => String.fromCharCode(97 + parseInt(d, 16))).join('')
}
