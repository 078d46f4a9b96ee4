/**
 * Query parameters whose values are credentials or signatures, compared case-insensitively. A signed link's
 * secret lives in its query (S3 and CloudFront, GCS, Azure SAS, API keys, OAuth tokens), and whoever holds the
 * whole URL holds the file until it expires; what a link needs to be recognised (its path, its expiry, the
 * parameters that pick the file) stays visible.
 */
export const SECRET_QUERY_PARAMS: readonly string[] = [
  // AWS Signature V4 and V2 (S3 presigned URLs)
  'x-amz-signature',
  'x-amz-credential',
  'x-amz-security-token',
  'awsaccesskeyid',
  'signature',
  // CloudFront signed URLs (`Expires` is kept: it says when the link stops working, and signs nothing)
  'policy',
  'key-pair-id',
  // Google Cloud Storage V4 and V2
  'x-goog-signature',
  'x-goog-credential',
  'x-goog-security-token',
  'googleaccessid',
  // Azure shared access signatures
  'sig',
  // Tokens and keys under their usual names
  'token',
  'access_token',
  'refresh_token',
  'id_token',
  'auth',
  'auth_token',
  'authorization',
  'jwt',
  'key',
  'api_key',
  'apikey',
  'api-key',
  'secret',
  'client_secret',
  'password',
  'passwd',
  'pwd',
  'session',
  'sessionid',
  'session_token',
  'hmac',
  // nginx secure_link's hash and Akamai's edge tokens
  'md5',
  'hdnts',
  'hdnea',
  '__token__',
]

const SECRET = new Set(SECRET_QUERY_PARAMS)

/** What a hidden value shows instead. */
export const REDACTED = '…'

/**
 * A value that looks like a token is hidden whatever its parameter is called, since signing schemes use names of
 * their own (`st`, `h`, `e`…): 32 or more hex digits (where 128-bit secrets start), or 32 or more base64 or
 * base64url characters mixing upper case, lower case and digits. File names (`debian-12-amd64.iso`), versions,
 * UUIDs and dates have a dot, one case or separators of their own, so they stay readable.
 */
function tokenLike(value: string): boolean {
  // `+` stays `+` here: in a token it is base64's, not a form-encoded space.
  const v = decoded(value, false)
  if (/^[a-f\d]{32,}$/i.test(v)) return true
  return /^[A-Za-z\d+/_=-]{32,}$/.test(v) && /[a-z]/.test(v) && /[A-Z]/.test(v) && /\d/.test(v)
}

/**
 * A URL as messages, logs, the connection history and the CLI show it: no `user:password@`, the values of
 * credential and signature parameters (SECRET_QUERY_PARAMS, and any token-like value) in the query and in a
 * `k=v` fragment replaced by `…`, the scheme, host, port and path kept. It is for people only: the stored URL
 * a download needs stays whole. Text that is not a URL gets the same treatment as far as it can be found.
 *
 * A token in the path (`/s/<token>/file`) is kept: the path is what tells one link from another, and no rule
 * could tell a token segment from a long file name there.
 */
export function redactUrl(input: string | URL): string {
  let url: URL
  try {
    url = new URL(input)
  } catch {
    return redactLoose(String(input))
  }
  const search = url.search
  const hash = url.hash
  // Nothing to hide (the usual case, asked for every request): each setter below serialises the URL again.
  const href = url.href
  if (url.username === '' && url.password === '' && !href.includes('?') && !href.includes('#')) return href
  url.username = ''
  url.password = ''
  url.search = ''
  url.hash = ''
  const query = search.length > 1 ? `?${redactParams(search.slice(1))}` : ''
  const fragment = hash.length > 1 ? `#${hash.includes('=') ? redactParams(hash.slice(1)) : hash.slice(1)}` : ''
  return `${url.href}${query}${fragment}`
}

/** Every URL in free text (an error message, a log line) in its redacted form; the rest of the text as it was. */
export function redactUrlsIn(text: string): string {
  return text.replace(URL_IN_TEXT, (found) => {
    // Closing punctuation ends the sentence, not the URL: `(see https://x/?sig=abc).`
    const tail = /[.,;:!?)\]}'"]+$/.exec(found)?.[0] ?? ''
    const url = found.slice(0, found.length - tail.length)
    const shown = redactUrl(url)
    // A URL with nothing to hide stays as it was written, not in its normalised form (`http://h:1` has no `/`).
    return `${URL.canParse(url) && shown === new URL(url).href ? url : shown}${tail}`
  })
}

const URL_IN_TEXT = /\b[a-z][a-z\d+.-]*:\/\/[^\s<>"'`]+/gi

/** `a=1&sig=x` → `a=1&sig=…`, leaving every other byte (encoding, order, separators) as it was. */
function redactParams(params: string): string {
  return params
    .split('&')
    .map((pair) => {
      const eq = pair.indexOf('=')
      if (eq < 0) return pair
      const value = pair.slice(eq + 1)
      return value !== '' && isSecret(pair.slice(0, eq), value) ? `${pair.slice(0, eq)}=${REDACTED}` : pair
    })
    .join('&')
}

function isSecret(rawName: string, value: string): boolean {
  return SECRET.has(decoded(rawName, true).toLowerCase()) || tokenLike(value)
}

function decoded(text: string, plusIsSpace: boolean): string {
  try {
    return decodeURIComponent(plusIsSpace ? text.replace(/\+/g, ' ') : text)
  } catch {
    return text
  }
}

/** Text that does not parse as a URL (a bad line, a fragment of one): drop what looks like userinfo, mask values. */
function redactLoose(text: string): string {
  const noUser = text.replace(/^([a-z][a-z\d+.-]*:\/\/)[^@/?#\s]*@/i, '$1')
  const q = noUser.search(/[?#]/)
  if (q < 0) return noUser
  return `${noUser.slice(0, q + 1)}${redactParams(noUser.slice(q + 1))}`
}
