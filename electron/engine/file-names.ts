/**
 * A file name from a URL path: the last segment, percent-decoded, made safe for every OS.
 *
 * Decoding happens before separators are handled, so `%2F` cannot smuggle a path in; only the part after the
 * last `/` or `\` survives, and `.`/`..`/empty fall back to a fixed name. The result is always a single path
 * component, which is what keeps downloads inside the chosen folder.
 */
export function nameFromUrl(url: URL): string {
  const raw = url.pathname.split('/').pop() ?? ''
  let decoded: string
  try {
    decoded = decodeURIComponent(raw)
  } catch {
    decoded = raw
  }
  return sanitizeName(decoded) || 'download'
}

const WINDOWS_RESERVED = /^(con|prn|aux|nul|com[0-9¹²³]|lpt[0-9¹²³])(\..*)?$/i
// C0/C1 controls plus the bidi overrides and isolates that make `exe.txt` display as `txt.exe`.
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069<>:"|?*]/g

/** What a download is written to until it is complete: `<target>.part` beside its target. */
export const PART_SUFFIX = '.part'
/** Appended to a final name that would otherwise end in PART_SUFFIX. */
const NOT_A_PART = '.download'
const MAX_NAME_BYTES = 200

/**
 * A single path component safe on every OS, or '' when nothing usable is left.
 *
 * A name ending in `.part` (in any case) gets `.download` appended: a finished file under such a name would look
 * like an unfinished download, to `pinpoint ls --remove-orphans` and to other programs that clean up leftovers.
 */
export function sanitizeName(input: string): string {
  let name = input.split(/[/\\]/).pop() ?? ''
  name = name
    .replace(UNSAFE, '_')
    .replace(/^[.\s]+/, '')
    .replace(/[.\s]+$/, '')
  if (name === '' || name === '.' || name === '..') return ''
  if (WINDOWS_RESERVED.test(name)) name = `_${name}`
  // Checked after cutting, which can itself leave a name ending in `.part`.
  name = truncateBytes(name, MAX_NAME_BYTES)
  if (!name.toLowerCase().endsWith(PART_SUFFIX)) return name
  return `${truncateBytes(name, MAX_NAME_BYTES - NOT_A_PART.length)}${NOT_A_PART}`
}

/** Keep at most `max` UTF-8 bytes, cutting the stem rather than the extension. */
function truncateBytes(name: string, max: number): string {
  // A UTF-16 code unit is at most 3 bytes of UTF-8, so most names need no counting at all.
  if (name.length * 3 <= max || Buffer.byteLength(name) <= max) return name
  const dot = name.lastIndexOf('.')
  const ext = dot > 0 && name.length - dot <= 16 ? name.slice(dot) : ''
  let stem = ext ? name.slice(0, dot) : name
  while (Buffer.byteLength(stem + ext) > max) stem = Array.from(stem).slice(0, -1).join('')
  return stem + ext
}
