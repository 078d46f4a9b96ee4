/** One challenge of a `WWW-Authenticate` header: its scheme and its parameters (names lower-cased). */
export interface Challenge {
  scheme: string
  params: Record<string, string>
}

const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+/
const TOKEN68 = /^[A-Za-z0-9\-._~+/]+=*/

/**
 * The challenges of one or more `WWW-Authenticate` values (RFC 9110 §11.6.1): `Basic realm="a, b", Bearer
 * realm=api, error="invalid_token"`. A comma separates both challenges and parameters, so a parameter is told
 * from a new challenge by its `name=`; a quoted-string may hold commas and `\`-escapes. What cannot be parsed
 * ends the list rather than guessing: the challenges read so far are kept.
 */
export function parseChallenges(values: string | readonly string[] | undefined): Challenge[] {
  if (values === undefined) return []
  const out: Challenge[] = []
  for (const value of typeof values === 'string' ? [values] : values) out.push(...parseOne(value))
  return out
}

function parseOne(text: string): Challenge[] {
  const out: Challenge[] = []
  let rest = text
  const skip = (re: RegExp) => {
    rest = rest.replace(re, '')
  }
  skip(/^[\s,]+/)
  while (rest.length > 0) {
    const scheme = TOKEN.exec(rest)?.[0]
    if (!scheme) break
    rest = rest.slice(scheme.length)
    const challenge: Challenge = { scheme, params: {} }
    out.push(challenge)
    skip(/^[ \t]+/)
    // token68 (`Negotiate abc==`): one opaque value, not name=value parameters.
    const t68 = TOKEN68.exec(rest)?.[0]
    if (t68 && /^\s*(,|$)/.test(rest.slice(t68.length))) {
      challenge.params['token68'] = t68
      rest = rest.slice(t68.length)
    }
    for (;;) {
      skip(/^[\s,]+/)
      const m = /^([!#$%&'*+\-.^_`|~0-9A-Za-z]+)\s*=\s*/.exec(rest)
      if (!m) break
      rest = rest.slice(m[0].length)
      const name = (m[1] as string).toLowerCase()
      if (rest.startsWith('"')) {
        let value = ''
        let i = 1
        for (; i < rest.length && rest[i] !== '"'; i++) {
          if (rest[i] === '\\' && i + 1 < rest.length) i++
          value += rest[i]
        }
        if (i >= rest.length) return out
        rest = rest.slice(i + 1)
        challenge.params[name] = value
      } else {
        const v = TOKEN.exec(rest)?.[0] ?? ''
        rest = rest.slice(v.length)
        challenge.params[name] = v
      }
    }
  }
  return out
}

/** How a 401 is named to the user: `Basic realm "files"`, several joined with "or". */
export function describeChallenges(challenges: readonly Challenge[]): string {
  if (challenges.length === 0) return 'no challenge'
  return challenges
    .map((c) => (c.params['realm'] === undefined ? c.scheme : `${c.scheme} realm "${c.params['realm']}"`))
    .join(' or ')
}
