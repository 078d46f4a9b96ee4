import { PinpointError } from '../../shared/pinpoint-error.ts'

export type SumsAlgo = 'sha256' | 'sha512' | 'sha1' | 'md5'

export interface SumsEntry {
  readonly algo: SumsAlgo
  readonly hex: string
  readonly name: string
}

const BY_LENGTH: Record<number, SumsAlgo> = { 64: 'sha256', 128: 'sha512', 40: 'sha1', 32: 'md5' }
const BSD_NAMES: Record<string, SumsAlgo> = { SHA256: 'sha256', SHA512: 'sha512', SHA1: 'sha1', MD5: 'md5' }

/**
 * The lines of a sums file: GNU coreutils' `hex  name` (text mode) and `hex *name` (binary mode), with the
 * algorithm told by the digest's length, and BSD's `SHA256 (name) = hex` (`sha256sum --tag`, `signify -C`).
 * Lines that are neither (comments, PGP armor around a clearsigned list) are skipped; a file with no line at all
 * is refused, as it cannot vouch for anything.
 */
export function parseSums(text: string): SumsEntry[] {
  const entries: SumsEntry[] = []
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trimEnd()
    const bsd = /^(SHA256|SHA512|SHA1|MD5) \((.+)\) = ([0-9a-fA-F]+)$/.exec(line)
    if (bsd) {
      const algo = BSD_NAMES[bsd[1] as string] as SumsAlgo
      const hex = (bsd[3] as string).toLowerCase()
      if (BY_LENGTH[hex.length] === algo) entries.push({ algo, hex, name: bsd[2] as string })
      continue
    }
    // coreutils escapes a name holding a backslash or newline and marks the line with a leading backslash.
    const gnu = /^(\\?)([0-9a-fA-F]+) [ *](.+)$/.exec(line)
    const algo = gnu ? BY_LENGTH[(gnu[2] as string).length] : undefined
    if (gnu && algo) {
      const name = gnu[1] ? (gnu[3] as string).replace(/\\(\\|n)/g, (_, c) => (c === 'n' ? '\n' : '\\')) : gnu[3]
      entries.push({ algo, hex: (gnu[2] as string).toLowerCase(), name: name as string })
    }
  }
  if (entries.length === 0) {
    throw new PinpointError(
      'BAD_INPUT',
      'the sums file has no checksum line (expected "hex  name" or "SHA256 (name) = hex")',
    )
  }
  return entries
}

/**
 * The line for the downloaded file, by any of its names (the URL's last segment, the saved name), ignoring a
 * leading `./`. Strongest algorithm first when a file lists several. A file with no line for it is refused: an
 * unlisted file is not vouched for, whatever the list's signature says.
 */
export function sumsEntryFor(entries: readonly SumsEntry[], names: readonly string[], listName: string): SumsEntry {
  const wanted = new Set(names.filter((n) => n !== ''))
  const strength: SumsAlgo[] = ['sha512', 'sha256', 'sha1', 'md5']
  const found = entries
    .filter((e) => wanted.has(e.name.replace(/^\.\//, '')))
    .sort((a, b) => strength.indexOf(a.algo) - strength.indexOf(b.algo))[0]
  if (!found) {
    throw new PinpointError('CHECKSUM_MISMATCH', `${listName} has no line for ${[...wanted].join(' or ')}`)
  }
  return found
}
