import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'

import { serveStatic } from '../../../electron/serve/static-files.ts'

/**
 * Serves the built renderer (dist/renderer) over loopback HTTP, byte for byte, with `pinpoint serve`'s own
 * file server (its security headers included).
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

export async function startStaticServer(root: string): Promise<StaticServer> {
  const server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname
    // Chromium asks an http page's server for a favicon; Electron's file: page never does, so say "none".
    if (path === '/favicon.ico') {
      res.writeHead(204).end()
      return
    }
    if (req.method !== 'GET') {
      res.writeHead(404).end()
      return
    }
    // The same file server as `pinpoint serve`: nothing outside dist/renderer, whatever the path says.
    void serveStatic(root, path, res)
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
