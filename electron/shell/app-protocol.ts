import { readFile, realpath, stat } from 'node:fs'
import { extname, join, sep } from 'node:path'
import { promisify } from 'node:util'

/**
 * The window's page comes from `app://pinpoint/`, a scheme of the app's own, instead of `file://`.
 *
 * A `file:` page has the opaque origin "null", shared with every other local file, and may read any file the
 * user can; here the page has an origin of its own (what IPC trusts, and what 'self' in the CSP means), the
 * handler serves only files inside the built renderer folder, and the CSP comes as a header on every response,
 * where it can also carry frame-ancestors. main.ts registers the scheme and hands requests to the handler below,
 * which uses only web Request/Response and Node's fs, so all of it is tested under Node.
 */

export const APP_SCHEME = 'app'
export const APP_HOST = 'pinpoint'
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`
export const APP_PAGE_URL = `${APP_ORIGIN}/index.html`

/**
 * For `protocol.registerSchemesAsPrivileged`: `standard` gives the scheme real origins (so 'self' and the IPC
 * sender check work by origin) and relative URLs; `secure` makes it a secure context, like https. `corsEnabled`
 * and `bypassCSP` stay off: the first would let other origins read the app's files, the second void the CSP.
 */
export const APP_SCHEME_PRIVILEGES = { standard: true, secure: true, supportFetchAPI: true } as const

/**
 * renderer/index.html's `<meta>` policy (a unit test keeps the two equal), plus frame-ancestors, which a
 * `<meta>` policy cannot carry: no page may frame the app.
 */
export const CONTENT_SECURITY_POLICY =
  "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; " +
  "object-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"

const MIME_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.map': 'application/json',
  '.txt': 'text/plain; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.ico': 'image/x-icon',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
}

/** The Content-Type a file is served with; unknown types are opaque bytes (and nosniff keeps them so). */
export function mimeTypeOf(path: string): string {
  return MIME_TYPES[extname(path).toLowerCase()] ?? 'application/octet-stream'
}

// The callback forms: Electron serves them from inside app.asar as well as from plain folders.
const fs = { readFile: promisify(readFile), realpath: promisify(realpath), stat: promisify(stat) }

type Resolved = { ok: true; path: string } | { ok: false; status: 400 | 403 | 404 }

/**
 * The real path of the file `url` names inside `root`, or why there is none.
 *
 * The URL parser has already resolved plain and `%2e` dot segments; what is left is refused outright rather than
 * joined: a `..` or `.` that decoding reveals (`%2F..%2F`), backslashes and drive colons (Windows separators), NUL.
 * Then the real path, symlinks followed, must still be inside the real root, so a link cannot lead out.
 */
export async function resolveAppFile(root: string, url: string): Promise<Resolved> {
  if (!URL.canParse(url)) return { ok: false, status: 400 }
  const parsed = new URL(url)
  const ours =
    parsed.protocol === `${APP_SCHEME}:` &&
    parsed.hostname.toLowerCase() === APP_HOST &&
    parsed.port === '' &&
    parsed.username === '' &&
    parsed.password === ''
  if (!ours) return { ok: false, status: 404 }
  let path: string
  try {
    path = decodeURIComponent(parsed.pathname)
  } catch {
    return { ok: false, status: 400 }
  }
  if (path === '/' || path === '') path = '/index.html'
  const segments = path.split('/').slice(1)
  const bad = (s: string) => s === '' || s === '.' || s === '..' || /[\\:\0]/.test(s)
  if (segments.some(bad)) return { ok: false, status: 403 }
  try {
    const realRoot = await fs.realpath(root)
    const real = await fs.realpath(join(root, ...segments))
    if (!real.startsWith(realRoot + sep)) return { ok: false, status: 403 }
    if (!(await fs.stat(real)).isFile()) return { ok: false, status: 404 }
    return { ok: true, path: real }
  } catch {
    return { ok: false, status: 404 }
  }
}

function headers(contentType: string): Headers {
  return new Headers({
    'Content-Type': contentType,
    'Content-Security-Policy': CONTENT_SECURITY_POLICY,
    'X-Content-Type-Options': 'nosniff',
  })
}

function refuse(status: number): Response {
  return new Response(`${status}`, { status, headers: headers('text/plain; charset=utf-8') })
}

/** The `protocol.handle` handler for app://: GET and HEAD of files inside `root` (the built renderer), nothing else. */
export function createAppFileHandler(root: string): (request: Request) => Promise<Response> {
  return async (request) => {
    if (request.method !== 'GET' && request.method !== 'HEAD') return refuse(405)
    const resolved = await resolveAppFile(root, request.url)
    if (!resolved.ok) return refuse(resolved.status)
    let body: Buffer
    try {
      body = await fs.readFile(resolved.path)
    } catch {
      return refuse(404)
    }
    return new Response(request.method === 'HEAD' ? null : new Uint8Array(body), {
      status: 200,
      headers: headers(mimeTypeOf(resolved.path)),
    })
  }
}
