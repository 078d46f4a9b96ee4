import { z } from 'zod'

import { Cookie, parseCookieString } from './cookies.ts'
import { ExtraHeader, parseHeaderLines } from './extra-headers.ts'

/**
 * What a download sends that must stay secret: Basic credentials (from the URL's userinfo or `-u`), a Bearer
 * token, the values of secret headers (Authorization, Cookie, tokens) and cookies. Kept only sealed in the
 * store; requests send them to the download's own origin only.
 */
export const TransferSecrets = z.strictObject({
  username: z.string().max(4096).optional(),
  password: z.string().max(4096).optional(),
  bearer: z.string().min(1).max(16_384).optional(),
  headers: z.array(ExtraHeader).max(64).optional(),
  cookies: z.array(Cookie).max(1024).optional(),
})
export type TransferSecrets = z.output<typeof TransferSecrets>

/** What the UI may know of a download's secrets: which are set, never their values. */
export const CredentialState = z.strictObject({
  /** The Basic user name; shown, as a login's name is, while the password never is. */
  basicUser: z.string().max(4096).optional(),
  bearer: z.boolean(),
  /** The names of the secret headers set. */
  headers: z.array(z.string().max(256)).max(64),
  cookies: z.number().int().nonnegative(),
})
export type CredentialState = z.output<typeof CredentialState>

/** A text field that is valid when `parse` takes it; the issue is parse's own reason. */
const parsedText = (max: number, parse: (text: string) => unknown) =>
  z
    .string()
    .max(max)
    .superRefine((text, ctx) => {
      try {
        parse(text)
      } catch (err) {
        ctx.addIssue({ code: 'custom', message: (err as Error).message })
      }
    })

/** Extra request headers as a form takes them: `Name: value` lines, read as `-H` reads them; '' for none. */
export const HeaderLinesText = parsedText(600_000, parseHeaderLines)
/** Cookies as a form takes them: `name=value; name2=value2`, read as `-b` reads them; '' for none. */
export const CookieText = parsedText(256 * 1024, (text) => {
  if (parseCookieString(text).length > 1024) throw new Error('at most 1024 cookies')
})

/**
 * What the UI sends: new Basic credentials or a new token (each replaces both), or none at all; or all of the
 * extra headers, or all of the cookies, replaced by those typed ('' clears them).
 */
export const CredentialInput = z.discriminatedUnion('kind', [
  z.strictObject({
    kind: z.literal('basic'),
    username: z.string().max(4096),
    password: z.string().max(4096),
  }),
  z.strictObject({
    kind: z.literal('bearer'),
    token: z
      .string()
      .min(1)
      .max(16_384)
      .regex(/^[^\r\n\0]*$/),
  }),
  z.strictObject({ kind: z.literal('clear') }),
  z.strictObject({ kind: z.literal('headers'), text: HeaderLinesText }),
  z.strictObject({ kind: z.literal('cookies'), text: CookieText }),
])
export type CredentialInput = z.output<typeof CredentialInput>

/**
 * The secrets with `input` applied: Basic and Bearer exclusive of each other, headers and cookies kept; or the
 * headers or the cookies replaced, the rest kept.
 */
export function withCredentialInput(s: TransferSecrets | undefined, input: CredentialInput): TransferSecrets {
  if (input.kind === 'headers' || input.kind === 'cookies') {
    const { headers, cookies, ...others } = s ?? {}
    const next = input.kind === 'headers' ? parseHeaderLines(input.text) : parseCookieString(input.text)
    const kept = input.kind === 'headers' ? { cookies } : { headers }
    const merged: TransferSecrets = { ...others, ...kept, ...(next.length > 0 ? { [input.kind]: next } : {}) }
    return Object.fromEntries(Object.entries(merged).filter(([, v]) => v !== undefined)) as TransferSecrets
  }
  const { username: _u, password: _p, bearer: _b, ...rest } = s ?? {}
  if (input.kind === 'basic') return { ...rest, username: input.username, password: input.password }
  if (input.kind === 'bearer') return { ...rest, bearer: input.token }
  return rest
}

export function isEmptySecrets(s: TransferSecrets): boolean {
  return (
    s.username === undefined &&
    s.password === undefined &&
    s.bearer === undefined &&
    (s.headers ?? []).length === 0 &&
    (s.cookies ?? []).length === 0
  )
}

export function credentialState(s: TransferSecrets | undefined): CredentialState | undefined {
  if (!s || isEmptySecrets(s)) return undefined
  return {
    ...(s.username === undefined && s.password === undefined ? {} : { basicUser: s.username ?? '' }),
    bearer: s.bearer !== undefined,
    headers: (s.headers ?? []).map((h) => h.name),
    cookies: (s.cookies ?? []).length,
  }
}

/**
 * The login: `Basic, user alice; Bearer token set`. Headers and cookies are left to describeHeadersAndCookies,
 * whose line is always shown beside this one, so that each is said once.
 */
export function describeCredentialState(c: CredentialState | undefined): string {
  if (!c) return 'no credentials'
  const parts: string[] = []
  if (c.basicUser !== undefined) parts.push(c.basicUser === '' ? 'Basic, no user name' : `Basic, user ${c.basicUser}`)
  if (c.bearer) parts.push('Bearer token set')
  if (parts.length > 0) return parts.join('; ')
  return c.headers.length > 0 || c.cookies > 0 ? 'no user name or token' : 'no credentials'
}

/** `headers x-token, x-plain set; 1 cookie set`: the headers by name (never a value), the cookies by count. */
export function describeHeadersAndCookies(c: CredentialState | null | undefined): string {
  const headers = c?.headers ?? []
  const cookies = c?.cookies ?? 0
  if (headers.length === 0 && cookies === 0) return 'no extra headers or cookies'
  const parts: string[] = []
  if (headers.length > 0) parts.push(`${headers.length === 1 ? 'header' : 'headers'} ${headers.join(', ')} set`)
  if (cookies > 0) parts.push(cookies === 1 ? '1 cookie set' : `${cookies} cookies set`)
  return parts.join('; ')
}
