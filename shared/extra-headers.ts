import { z } from 'zod'

const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/

/**
 * A request header the user added to a download (curl's `-H`), or one of the default ones taken away: a null
 * value removes the header (`-H 'Name:'`), an empty one sends it empty (`-H 'Name;'`). Names are lower-case.
 */
export const ExtraHeader = z.strictObject({
  name: z
    .string()
    .min(1)
    .max(256)
    .regex(TOKEN)
    .transform((n) => n.toLowerCase()),
  value: z
    .string()
    .max(8192)
    .regex(/^[^\r\n\0]*$/)
    .nullable(),
})
export type ExtraHeader = z.output<typeof ExtraHeader>

/**
 * Headers the download itself decides: the framing and the byte ranges that the offsets on disk rely on, and
 * the Host the host rules set. Overriding any of them would write wrong bytes or reach another site.
 */
const RESERVED: Readonly<Record<string, string>> = {
  host: "the Host header comes from the URL and the host rules (use a host rule's Host header or --sni)",
  'content-length': 'the requests of a download have no body',
  'transfer-encoding': 'the requests of a download have no body',
  connection: 'each connection is managed by the download itself',
  range: 'the byte ranges are what the download asks for, segment by segment',
  'if-range': 'the download sends it to resume safely',
  'accept-encoding': 'a download asks for the bytes as stored (identity), so offsets count the bytes on disk',
  'keep-alive': 'a hop-by-hop header: each connection is managed by the download itself',
  te: 'a hop-by-hop header: each connection is managed by the download itself',
  trailer: 'a hop-by-hop header: the requests of a download have no body',
  upgrade: 'a hop-by-hop header: a download speaks HTTP/1.1 on each connection',
  'proxy-connection': 'a hop-by-hop header: each connection is managed by the download itself',
}

/** Why a header may not be set by the user, or undefined when it may. */
export function reservedHeader(name: string): string | undefined {
  return RESERVED[name.toLowerCase()]
}

/**
 * Headers whose value is a secret: never stored in clear, never shown, never sent to another origin after a
 * redirect. Beyond the standard ones, a name that says it holds a token or a key is treated as one.
 */
export function isSecretHeader(name: string): boolean {
  const n = name.toLowerCase()
  if (n === 'authorization' || n === 'proxy-authorization' || n === 'cookie') return true
  return /token|secret|api-?key|auth|session|passw/.test(n)
}

/** curl's `-H`: `Name: value`, `Name;` (sent empty), `Name:` (a default header removed). */
export function parseHeaderFlag(text: string): ExtraHeader {
  try {
    return parseHeaderLine(text)
  } catch (err) {
    throw new Error(`-H ${(err as Error).message}`)
  }
}

/** One header as `-H` takes it, with the reason it is refused naming the header, not the flag. */
export function parseHeaderLine(text: string): ExtraHeader {
  const semi = /^([^:;\s]+);\s*$/.exec(text)
  const colon = /^([^:\s]+):[ \t]*(.*)$/.exec(text)
  const name = semi?.[1] ?? colon?.[1]
  if (name === undefined) throw new Error(`"${text}": expected "Name: value", "Name;" or "Name:"`)
  const reserved = reservedHeader(name)
  if (reserved) throw new Error(`"${name}" cannot be set: ${reserved}`)
  const value = semi ? '' : (colon?.[2] ?? '').trimEnd()
  const parsed = ExtraHeader.safeParse({ name, value: semi || value !== '' ? value : null })
  if (!parsed.success) throw new Error(`"${name}": not a valid header name or value`)
  return parsed.data
}

/** Most headers one download or host rule sends. */
export const MAX_EXTRA_HEADERS = 64

/**
 * Headers typed one per line, as a form takes them: each line is read as `-H` reads its argument (so the same
 * headers are refused for the same reasons), blank lines are skipped, and a refusal names its line.
 */
export function parseHeaderLines(text: string): ExtraHeader[] {
  const out: ExtraHeader[] = []
  for (const [i, line] of text.split('\n').entries()) {
    const trimmed = line.replace(/\r$/, '').trim()
    if (trimmed === '') continue
    try {
      out.push(parseHeaderLine(trimmed))
    } catch (err) {
      throw new Error(`line ${i + 1}: ${(err as Error).message}`)
    }
  }
  if (out.length > MAX_EXTRA_HEADERS) throw new Error(`at most ${MAX_EXTRA_HEADERS} headers`)
  return out
}
