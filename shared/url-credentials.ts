/** A user name and password as Basic auth sends them: decoded, not percent-encoded. */
export interface Credentials {
  username: string
  password: string
}

/**
 * Split the userinfo off an absolute URL: the URL as it may be stored and shown, and what it carried.
 *
 * The user name goes with the password: tokens are often passed as a user name alone (`https://TOKEN@host/`),
 * so neither is ever shown or stored in clear.
 */
export function splitCredentials(href: string): { url: string; credentials: Credentials | undefined } {
  const url = new URL(href)
  if (!url.username && !url.password) return { url: url.href, credentials: undefined }
  const credentials = { username: decoded(url.username), password: decoded(url.password) }
  url.username = ''
  url.password = ''
  return { url: url.href, credentials }
}

/**
 * The URL with `credentials` as its userinfo, for the request code that sends them to that origin only; with
 * `origin`, only when the URL is on it (a redirect's target elsewhere never gets them).
 */
export function withCredentials(url: URL, credentials: Credentials | undefined, origin?: string): URL {
  if (!credentials || (origin !== undefined && url.origin !== origin)) return url
  const copy = new URL(url)
  // Encoded fully first: the setter leaves `%` alone, so a password holding `%41` would otherwise decode to `A`.
  copy.username = encodeURIComponent(credentials.username)
  copy.password = encodeURIComponent(credentials.password)
  return copy
}

/** A malformed escape (`%zz`) is kept as typed rather than refused: it is what the user gave. */
function decoded(text: string): string {
  try {
    return decodeURIComponent(text)
  } catch {
    return text
  }
}
