import { readFile, stat } from 'node:fs/promises'
import type { ServerResponse } from 'node:http'
import { extname, join, normalize, sep } from 'node:path'

import { SECURITY_HEADERS } from './security.ts'

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.json': 'application/json',
}

/** Serve a file of the built renderer; `/` is index.html, and nothing outside the folder is reachable. */
export async function serveStatic(dir: string, pathname: string, res: ServerResponse): Promise<void> {
  let decoded: string
  try {
    decoded = decodeURIComponent(pathname)
  } catch {
    return notFound(res)
  }
  const rel = normalize(decoded === '/' ? '/index.html' : decoded).replace(/^[/\\]+/, '')
  const file = join(dir, rel)
  if (rel.includes('\0') || rel.startsWith('..') || !file.startsWith(dir + sep)) return notFound(res)
  try {
    if (!(await stat(file)).isFile()) return notFound(res)
    const body = await readFile(file)
    res.writeHead(200, { ...SECURITY_HEADERS, 'content-type': TYPES[extname(file)] ?? 'application/octet-stream' })
    res.end(body)
  } catch {
    notFound(res)
  }
}

function notFound(res: ServerResponse): void {
  res.writeHead(404, { ...SECURITY_HEADERS, 'content-type': 'text/plain; charset=utf-8' })
  res.end('not found\n')
}
