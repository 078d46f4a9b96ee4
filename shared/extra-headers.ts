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
  const semi = /^([^:;\s]+);\s*$/.exec(text)
  const colon = /^([^:\s]+):[ \t]*(.*)$/.exec(text)
  const name = semi?.[1] ?? colon?.[1]
  if (name === undefined) throw new Error(`-H "${text}": expected "Name: value", "Name;" or "Name:"`)
  const reserved = reservedHeader(name)
  if (reserved) throw new Error(`-H "${name}" cannot be set: ${reserved}`)
  const value = semi ? '' : (colon?.[2] ?? '').trimEnd()
  const parsed = ExtraHeader.safeParse({ name, value: semi || value !== '' ? value : null })
  if (!parsed.success) throw new Error(`-H "${name}": not a valid header name or value`)
  return parsed.data
}
