import { readFile } from 'node:fs/promises'

import { parseCookieString, parseNetscapeCookies, type Cookie } from '../../shared/cookies.ts'
import { isSecretHeader, parseHeaderFlag, type ExtraHeader } from '../../shared/extra-headers.ts'
import { PinpointError } from '../../shared/pinpoint-error.ts'
import { isEmptySecrets, type TransferSecrets } from '../../shared/transfer-secrets.ts'
import type { CliIo } from './io.ts'
import { unreadable } from './unreadable.ts'

/** curl's request flags, as commander hands them over. */
export interface RequestFlags {
  user?: string
  oauth2Bearer?: string
  header?: string[]
  cookie?: string
  referer?: string
  userAgent?: string
}

export interface RequestSetup {
  /** Not secret: stored in the download's connection profile. */
  headers: ExtraHeader[] | undefined
  /** Sealed in the store. */
  secrets: TransferSecrets | undefined
}

/**
 * Turn `-u`, `--oauth2-bearer`, `-H`, `-b`, `-e` and `-A` into what a download keeps: plain headers for its
 * profile and secrets for the sealed store. Every mistake is a BAD_INPUT (exit 2) naming the flag.
 */
export async function requestSetup(flags: RequestFlags, io: CliIo): Promise<RequestSetup> {
  const plain: ExtraHeader[] = []
  const secrets: TransferSecrets = {}
  if (flags.user !== undefined && flags.oauth2Bearer !== undefined) {
    throw new PinpointError('BAD_INPUT', 'use either -u/--user or --oauth2-bearer, not both')
  }
  if (flags.user !== undefined) Object.assign(secrets, await userFlag(flags.user, io))
  if (flags.oauth2Bearer !== undefined) {
    if (flags.oauth2Bearer === '' || /[\r\n\0]/.test(flags.oauth2Bearer)) {
      throw new PinpointError('BAD_INPUT', '--oauth2-bearer: the token is empty or holds a line break')
    }
    secrets.bearer = flags.oauth2Bearer
  }
  // -A and -e first, so a -H for the same header wins, as in curl.
  if (flags.userAgent !== undefined) plain.push(simple('user-agent', flags.userAgent, '-A/--user-agent'))
  if (flags.referer !== undefined) plain.push(simple('referer', flags.referer, '-e/--referer'))
  for (const text of flags.header ?? []) {
    let h: ExtraHeader
    try {
      h = parseHeaderFlag(text)
    } catch (err) {
      throw new PinpointError('BAD_INPUT', (err as Error).message)
    }
    if (isSecretHeader(h.name)) (secrets.headers ??= []).push(h)
    else plain.push(h)
  }
  if (flags.cookie !== undefined) secrets.cookies = await cookieFlag(flags.cookie)
  return {
    headers: plain.length > 0 ? plain : undefined,
    secrets: isEmptySecrets(secrets) ? undefined : secrets,
  }
}

/** `-A ''` takes the header away, as curl does. */
function simple(name: string, value: string, flag: string): ExtraHeader {
  if (/[\r\n\0]/.test(value)) throw new PinpointError('BAD_INPUT', `${flag}: a header value cannot hold a line break`)
  return { name, value: value === '' ? null : value }
}

/** `user:password`, or `user` alone: the password is asked for on the terminal, never taken from a pipe. */
async function userFlag(text: string, io: CliIo): Promise<TransferSecrets> {
  const colon = text.indexOf(':')
  if (colon >= 0) return { username: text.slice(0, colon), password: text.slice(colon + 1) }
  if (!io.askSecret) {
    throw new PinpointError(
      'BAD_INPUT',
      `-u ${text}: no password given and no terminal to ask on; give -u ${text}:PASSWORD`,
    )
  }
  return { username: text, password: await io.askSecret(`Enter host password for user '${text}': `) }
}

/** curl's rule: an argument with `=` is cookies, one without is the path of a Netscape cookie file. */
async function cookieFlag(text: string): Promise<Cookie[]> {
  if (text.includes('=')) {
    try {
      return parseCookieString(text)
    } catch (err) {
      throw new PinpointError('BAD_INPUT', `-b/--cookie: ${(err as Error).message}`)
    }
  }
  let body: string
  try {
    body = await readFile(text, 'utf8')
  } catch (err) {
    throw new PinpointError('BAD_INPUT', `-b ${text}: ${unreadable(err)}`)
  }
  try {
    return parseNetscapeCookies(body)
  } catch (err) {
    throw new PinpointError('BAD_INPUT', `-b ${text}: not a Netscape cookie file: ${(err as Error).message}`)
  }
}
