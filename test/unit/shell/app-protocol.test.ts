import { mkdir, symlink, writeFile } from 'node:fs/promises'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'

import { afterAll, beforeAll, describe, expect, it } from 'vitest'

import {
  APP_ORIGIN,
  APP_PAGE_URL,
  APP_SCHEME,
  APP_SCHEME_PRIVILEGES,
  CONTENT_SECURITY_POLICY,
  createAppFileHandler,
  mimeTypeOf,
} from '../../../electron/shell/app-protocol.ts'
import { CSP as SERVE_CSP } from '../../../electron/serve/security.ts'
import { makeTempDir, removeTempDir } from '../../fixtures/temp-dir.ts'

/**
 * The app:// handler the window loads the renderer through, run under Node with real Request and Response
 * objects (the types Electron's protocol.handle passes and expects) against a real folder with symlinks.
 */

const SECRET = 'the secret outside the renderer folder'
let base: string
let root: string
let handle: (request: Request) => Promise<Response>

beforeAll(async () => {
  base = await makeTempDir('app-protocol')
  root = join(base, 'renderer')
  await mkdir(join(root, 'assets'), { recursive: true })
  await mkdir(join(base, 'outside'))
  await writeFile(join(base, 'secret.txt'), SECRET)
  await writeFile(join(base, 'outside', 'index.html'), SECRET)
  await writeFile(join(root, 'index.html'), '<!doctype html><title>Pinpoint</title>')
  await writeFile(join(root, 'assets', 'index-abc.js'), 'console.log(1)')
  await writeFile(join(root, 'assets', 'index-abc.css'), 'body{}')
  await writeFile(join(root, 'assets', 'logo.svg'), '<svg/>')
  await writeFile(join(root, 'assets', 'dot.png'), Buffer.from([0x89, 0x50]))
  await writeFile(join(root, 'assets', 'font.woff2'), 'w')
  await writeFile(join(root, 'assets', 'data.bin'), 'x')
  await writeFile(join(root, 'Jürgen file.txt'), 'escaped name')
  await symlink(join(base, 'secret.txt'), join(root, 'assets', 'leak.txt'))
  await symlink(join(base, 'outside'), join(root, 'out'))
  await symlink(join(root, 'assets', 'index-abc.js'), join(root, 'alias.js'))
  handle = createAppFileHandler(root)
})
afterAll(async () => {
  await removeTempDir(base)
})

const get = (url: string, init?: RequestInit) => handle(new Request(url, init))

describe('the app:// origin', () => {
  it('is app://pinpoint, and the window loads its index.html', () => {
    expect(APP_SCHEME).toBe('app')
    expect(APP_ORIGIN).toBe('app://pinpoint')
    expect(APP_PAGE_URL).toBe('app://pinpoint/index.html')
  })

  it('is privileged as a standard, secure scheme, and neither readable cross-origin nor exempt from the CSP', () => {
    expect(APP_SCHEME_PRIVILEGES).toEqual({ standard: true, secure: true, supportFetchAPI: true })
  })
})

describe('createAppFileHandler', () => {
  it('serves the page and its assets from the renderer folder with their MIME types', async () => {
    const cases: Array<[string, string, string]> = [
      ['app://pinpoint/index.html', 'text/html; charset=utf-8', '<!doctype html><title>Pinpoint</title>'],
      ['app://pinpoint/', 'text/html; charset=utf-8', '<!doctype html><title>Pinpoint</title>'],
      ['app://pinpoint/assets/index-abc.js', 'text/javascript; charset=utf-8', 'console.log(1)'],
      ['app://pinpoint/assets/index-abc.css', 'text/css; charset=utf-8', 'body{}'],
      ['app://pinpoint/assets/logo.svg', 'image/svg+xml', '<svg/>'],
      ['app://pinpoint/assets/font.woff2', 'font/woff2', 'w'],
      ['app://pinpoint/assets/data.bin', 'application/octet-stream', 'x'],
      ['app://pinpoint/J%C3%BCrgen%20file.txt', 'text/plain; charset=utf-8', 'escaped name'],
      ['app://pinpoint/index.html?view=hosts#x', 'text/html; charset=utf-8', '<!doctype html><title>Pinpoint</title>'],
    ]
    for (const [url, type, body] of cases) {
      const res = await get(url)
      expect(res.status, url).toBe(200)
      expect(res.headers.get('content-type'), url).toBe(type)
      expect(await res.text(), url).toBe(body)
    }
    expect((await get('app://pinpoint/assets/dot.png')).headers.get('content-type')).toBe('image/png')
  })

  it('follows a symlink that stays inside the folder', async () => {
    const res = await get('app://pinpoint/alias.js')
    expect(res.status).toBe(200)
    expect(await res.text()).toBe('console.log(1)')
  })

  it.each([
    ['dot segments (normalised by the URL parser to a path inside)', 'app://pinpoint/../secret.txt'],
    ['encoded dot segments', 'app://pinpoint/assets/%2e%2e/%2e%2e/secret.txt'],
    ['dot segments behind encoded slashes', 'app://pinpoint/assets%2F..%2F..%2Fsecret.txt'],
    ['an encoded backslash', 'app://pinpoint/..%5Csecret.txt'],
    ['an encoded NUL', 'app://pinpoint/index.html%00.js'],
    ['a symlink to a file outside', 'app://pinpoint/assets/leak.txt'],
    ['a symlink to a folder outside', 'app://pinpoint/out/index.html'],
    ['another host', 'app://evil/index.html'],
    ['the folder itself', 'app://pinpoint/assets'],
    ['a missing file', 'app://pinpoint/nothing.js'],
    ['a malformed escape', 'app://pinpoint/%E0%A4%A.js'],
    ['a drive letter', 'app://pinpoint/C:/secret.txt'],
    ['a port', 'app://pinpoint:8080/index.html'],
  ])('refuses %s', async (_what, url) => {
    const res = await get(url)
    expect(res.status).toBeGreaterThanOrEqual(400)
    expect(res.status).toBeLessThan(500)
    expect(await res.text()).not.toContain(SECRET)
  })

  it('answers HEAD without a body, and refuses other methods', async () => {
    const head = await get('app://pinpoint/index.html', { method: 'HEAD' })
    expect(head.status).toBe(200)
    expect(await head.text()).toBe('')
    expect((await get('app://pinpoint/index.html', { method: 'POST', body: 'x' })).status).toBe(405)
  })

  it('puts the CSP and nosniff on every response, errors included', async () => {
    for (const res of [
      await get('app://pinpoint/index.html'),
      await get('app://pinpoint/assets/index-abc.js'),
      await get('app://pinpoint/nothing.js'),
      await get('app://pinpoint/assets/leak.txt'),
      await get('app://pinpoint/index.html', { method: 'POST', body: 'x' }),
    ]) {
      expect(res.headers.get('content-security-policy')).toBe(CONTENT_SECURITY_POLICY)
      expect(res.headers.get('x-content-type-options')).toBe('nosniff')
    }
  })
})

describe('CONTENT_SECURITY_POLICY', () => {
  const html = readFileSync(new URL('../../../renderer/index.html', import.meta.url), 'utf8')
  const meta = /http-equiv="Content-Security-Policy"\s+content="([^"]*)"/i.exec(html)?.[1] ?? ''
  const directives = (policy: string) =>
    policy
      .split(';')
      .map((d) => d.trim())
      .filter((d) => d !== '')

  it("is the page's own <meta> policy, and adds frame-ancestors, which only a header can carry", () => {
    expect(meta).not.toBe('')
    expect(directives(CONTENT_SECURITY_POLICY)).toEqual([...directives(meta), "frame-ancestors 'none'"])
  })

  it('is the header pinpoint serve sends with the same page', () => {
    expect(CONTENT_SECURITY_POLICY).toBe(SERVE_CSP)
  })
})

describe('mimeTypeOf', () => {
  it.each([
    ['index.html', 'text/html; charset=utf-8'],
    ['a.JS', 'text/javascript; charset=utf-8'],
    ['a.mjs', 'text/javascript; charset=utf-8'],
    ['a.json', 'application/json'],
    ['a.map', 'application/json'],
    ['a.ico', 'image/x-icon'],
    ['a.woff', 'font/woff'],
    ['no-extension', 'application/octet-stream'],
  ])('%s is %s', (name, type) => {
    expect(mimeTypeOf(name)).toBe(type)
  })
})
