import { readFile } from 'node:fs/promises'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { extname, join, normalize, sep } from 'node:path'

/**
 * Serves the built renderer (dist/renderer) over loopback HTTP, byte for byte.
 *
 * index.html goes out unchanged, so its Content-Security-Policy meta tag is the one the app ships with: the
 * harness's own script runs through Playwright's init script and bindings, which CSP does not govern, and any
 * inline script or style the UI added by mistake would be blocked here as it is in Electron.
 */
export interface StaticServer {
  /** `http://127.0.0.1:<port>/` */
  origin: string
  /** The page the tests open, and the only sender the core's IPC trusts. */
  pageUrl: string
  close(): Promise<void>
}

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.json': 'application/json',
  '.map': 'application/json',
}

export async function startStaticServer(root: string): Promise<StaticServer> {
  const base = normalize(root + sep)
  const server = createServer((req, res) => {
    const path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname)
    // Chromium asks an http page's server for a favicon; Electron's file: page never does, so say "none".
    if (path === '/favicon.ico') {
      res.writeHead(204).end()
      return
    }
    const file = normalize(join(base, path === '/' ? 'index.html' : path))
    // Nothing outside dist/renderer, whatever the request path says.
    if (!file.startsWith(base) || (req.method !== 'GET' && req.method !== 'HEAD')) {
      res.writeHead(404).end()
      return
    }
    readFile(file).then(
      (body) => {
        res.writeHead(200, {
          'content-type': TYPES[extname(file)] ?? 'application/octet-stream',
          'content-length': body.length,
          'cache-control': 'no-store',
        })
        res.end(req.method === 'HEAD' ? undefined : body)
      },
      () => res.writeHead(404).end(),
    )
  })
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => resolve())
  })
  const { port } = server.address() as AddressInfo
  const origin = `http://127.0.0.1:${port}/`
  return {
    origin,
    pageUrl: `${origin}index.html`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  }
}
