import { z } from 'zod'

import { Cookie } from './cookies.ts'
import { ExtraHeader } from './extra-headers.ts'

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

/** What the UI sends: new Basic credentials or a new token (each replaces both), or none at all. */
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
])
export type CredentialInput = z.output<typeof CredentialInput>

/** The secrets with `input` applied: Basic and Bearer exclusive of each other, headers and cookies kept. */
export function withCredentialInput(s: TransferSecrets | undefined, input: CredentialInput): TransferSecrets {
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

/** `Basic, user alice; Bearer token set; header x-token set; 2 cookies`. */
export function describeCredentialState(c: CredentialState | undefined): string {
  if (!c) return 'no credentials'
  const parts: string[] = []
  if (c.basicUser !== undefined) parts.push(c.basicUser === '' ? 'Basic, no user name' : `Basic, user ${c.basicUser}`)
  if (c.bearer) parts.push('Bearer token set')
  for (const h of c.headers) parts.push(`header ${h} set`)
  if (c.cookies > 0) parts.push(c.cookies === 1 ? '1 cookie' : `${c.cookies} cookies`)
  return parts.join('; ')
}
