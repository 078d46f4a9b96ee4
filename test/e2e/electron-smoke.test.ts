import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

import { _electron, type ElectronApplication, type Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'

import { APP_PAGE_URL } from '../../electron/shell/app-protocol.ts'

/**
 * Starts the built app in real Electron and checks the window it opens.
 *
 * Runs only where Electron's binary is installed; elsewhere every test is skipped with the reason. `require('electron')`
 * is not used to find the binary: in Node it returns the binary's path, but when the binary is missing it starts
 * downloading it. The lookup below reads the same `path.txt` the package writes after its download, and downloads
 * nothing.
 */

const root = fileURLToPath(new URL('../../', import.meta.url))
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { main: string }
const mainJs = join(root, pkg.main)

function electronBinary(): string | undefined {
  const dir = dirname(createRequire(import.meta.url).resolve('electron/package.json'))
  const pathFile = join(dir, 'path.txt')
  if (!existsSync(pathFile)) return undefined
  const executable = readFileSync(pathFile, 'utf8').trim()
  const override = process.env['ELECTRON_OVERRIDE_DIST_PATH']
  const binary = override ? join(override, executable || 'electron') : join(dir, 'dist', executable)
  return existsSync(binary) ? binary : undefined
}

const electronPath = electronBinary()
const SKIPPED =
  "Electron's binary is not installed here (node_modules/electron has no path.txt or dist/), so there is nothing to launch"

let app: ElectronApplication | undefined
let page: Page | undefined
let userData: string | undefined

beforeAll(async () => {
  if (electronPath === undefined) return
  if (!existsSync(mainJs)) throw new Error(`${pkg.main} is missing: run \`npm run build\` before the smoke test`)
  // A throw-away profile: the test must neither touch a real Pinpoint's data nor meet its single-instance lock.
  userData = mkdtempSync(join(tmpdir(), 'pinpoint-smoke-'))
  app = await _electron.launch({
    executablePath: electronPath,
    args: [`--user-data-dir=${userData}`, root],
    cwd: root,
    env: { ...process.env, XDG_CONFIG_HOME: userData, APPDATA: userData },
    timeout: 30_000,
  })
  page = await app.firstWindow()
  await page.waitForLoadState('domcontentloaded')
}, 60_000)

afterAll(async () => {
  await app?.close()
  if (userData !== undefined) rmSync(userData, { recursive: true, force: true })
})

function opened(): Page {
  if (page === undefined) throw new Error('the window did not open')
  return page
}

describe('Electron smoke test (the built app in real Electron)', () => {
  it('opens the Pinpoint window', async ({ skip }) => {
    skip(electronPath === undefined, SKIPPED)
    expect(await opened().title()).toBe('Pinpoint')
    const title = await app?.evaluate(({ BrowserWindow }) => BrowserWindow.getAllWindows()[0]?.getTitle())
    expect(title).toBe('Pinpoint')
  })

  it("loads the page from the app's own origin, app://pinpoint, not from file://", async ({ skip }) => {
    skip(electronPath === undefined, SKIPPED)
    expect(opened().url()).toBe(APP_PAGE_URL)
  })

  it('exposes the preload bridge as window.api', async ({ skip }) => {
    skip(electronPath === undefined, SKIPPED)
    // Strings, so the test program needs no DOM types: this runs in the page.
    expect(await opened().evaluate('typeof window.api')).toBe('object')
  })

  it('gives the page no Node: require and process are undefined', async ({ skip }) => {
    skip(electronPath === undefined, SKIPPED)
    expect(await opened().evaluate('typeof require')).toBe('undefined')
    expect(await opened().evaluate('typeof process')).toBe('undefined')
  })
})
