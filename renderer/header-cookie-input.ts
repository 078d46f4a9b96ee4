import { parseCookieString } from '../shared/cookies.ts'
import { parseHeaderLines } from '../shared/extra-headers.ts'

/** Why the typed header lines would be refused (the reason `-H` gives, with its line), or '' when they would not. */
export function headerLinesProblem(text: string): string {
  try {
    parseHeaderLines(text)
    return ''
  } catch (err) {
    return (err as Error).message
  }
}

/** Why the typed cookie string would be refused (the reason `-b` gives), or '' when it would not. */
export function cookieTextProblem(text: string): string {
  try {
    parseCookieString(text)
    return ''
  } catch (err) {
    return (err as Error).message
  }
}

/**
 * The add dialog's headers and cookies as the request's options: only what was typed is sent, and a refusal
 * is said before anything is added. Main parses both again with the same functions.
 */
export function headerCookieOptions(
  headers: string,
  cookies: string,
): { ok: true; value: { headers?: string; cookies?: string } } | { ok: false; reason: string } {
  const h = headerLinesProblem(headers)
  if (h !== '') return { ok: false, reason: `Headers: ${h}` }
  const c = cookieTextProblem(cookies)
  if (c !== '') return { ok: false, reason: `Cookies: ${c}` }
  return {
    ok: true,
    value: {
      ...(headers.trim() === '' ? {} : { headers }),
      ...(cookies.trim() === '' ? {} : { cookies }),
    },
  }
}
