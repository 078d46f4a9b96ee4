import { existsSync } from 'node:fs'
import { mkdir } from 'node:fs/promises'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'

import { chromium, type Browser, type Page } from 'playwright-core'
import { expect } from 'vitest'

import type { Core } from '../../../electron/app-core.ts'
import type { Backend, Transport } from './backend.ts'
import { startBridgeBackend } from './bridge-backend.ts'
import { startServeBackend } from './serve-backend.ts'

export { transports, type DesktopCalls, type Transport } from './backend.ts'

export const repoRoot = fileURLToPath(new URL('../../../', import.meta.url))
/** Where screenshots and measurements go: a folder at the repository root a person can open (git-ignored). */
export const screenshotDir = join(repoRoot, 'screenshots')
const rendererDir = join(repoRoot, 'dist', 'renderer')

/** Debian's Chromium; Playwright's own browser download is never used. */
export const chromiumPath = process.env['PINPOINT_CHROMIUM'] ?? '/usr/bin/chromium'
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
]

export interface OpenAppOptions {
  /** bridge (the default): Electron's IPC stood in for by a binding. serve: `pinpoint serve` over its WebSocket. */
  transport?: Transport
  /** Runs after the core starts and before the page loads, e.g. to put transfers straight into the store. */
  seed?: (core: Core) => void | Promise<void>
  viewport?: { width: number; height: number }
  /** A state folder to open (and leave in place), e.g. one an earlier openApp left, to test a restart. */
  stateDir?: string
}

export interface ScreenshotOptions {
  viewport?: { width: number; height: number }
}

export interface App extends Omit<Backend, 'attach' | 'loaded' | 'close'> {
  page: Page
  /** Uncaught exceptions in the page, to assert the UI ran cleanly. */
  pageErrors: string[]
  /**
   * console.error output, kept apart: Chromium logs some there that are not the app's failures (it notes that a
   * `<meta>` CSP cannot carry frame-ancestors, which Electron prints too).
   */
  consoleErrors: string[]
  /** Every URL the main frame navigated to after the first load (a drop must not add any). */
  navigations: string[]
  /**
   * Save `screenshots/<name>-light.png` and `-dark.png` (`serve-<name>-…` under serve); returns the paths. With a
   * viewport, the window is that size for these two pictures and goes back to its own size after.
   */
  screenshot(name: string, opts?: ScreenshotOptions): Promise<string[]>
  close(): Promise<void>
}

/**
 * The app as a user meets it, minus Electron: the built renderer in Debian's Chromium, talking to the real core
 * (`startCore`: the store in a temp folder, the transport, the queue and every IPC handler) either through the
 * bridge or through `pinpoint serve` (see bridge-backend.ts and serve-backend.ts).
 */
export async function openApp(opts: OpenAppOptions = {}): Promise<App> {
  if (!existsSync(join(rendererDir, 'index.html'))) {
    throw new Error('dist/renderer/index.html is missing: run `npm run build` before the e2e tests')
  }
  const transport = opts.transport ?? 'bridge'
  const backend = await (transport === 'serve' ? startServeBackend : startBridgeBackend)(rendererDir, opts.stateDir)
  const prefix = transport === 'serve' ? 'serve-' : ''
  let browser: Browser | undefined
  let closed = false
  try {
    await opts.seed?.(backend.core)
    browser = await chromium.launch({ executablePath: chromiumPath, args: CHROMIUM_ARGS, timeout: 30_000 })
    const context = await browser.newContext({ viewport: opts.viewport ?? { width: 1280, height: 800 } })
    const p = await context.newPage()
    const pageErrors: string[] = []
    const consoleErrors: string[] = []
    const navigations: string[] = []
    p.on('pageerror', (err) => pageErrors.push(err.message))
    p.on('console', (msg) => {
      if (msg.type() === 'error') consoleErrors.push(msg.text())
    })
    await backend.attach(p)
    await p.goto(backend.pageUrl, { waitUntil: 'load' })
    p.on('framenavigated', (frame) => {
      if (frame === p.mainFrame()) navigations.push(frame.url())
    })
    backend.loaded()

    const b = browser
    const { attach: _attach, loaded: _loaded, close: _close, ...shared } = backend
    return {
      ...shared,
      // As the address bar shows it once loaded: under serve the page has taken its token out (the cookie stays).
      pageUrl: p.url(),
      page: p,
      pageErrors,
      consoleErrors,
      navigations,
      async screenshot(name, shotOpts) {
        await mkdir(screenshotDir, { recursive: true })
        const paths: string[] = []
        const ownSize = p.viewportSize()
        if (shotOpts?.viewport !== undefined) await p.setViewportSize(shotOpts.viewport)
        for (const colorScheme of ['light', 'dark'] as const) {
          await p.emulateMedia({ colorScheme })
          // Two frames, so styles keyed on prefers-color-scheme have been applied and painted.
          await p.evaluate('new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)))')
          const path = join(screenshotDir, `${prefix}${name}-${colorScheme}.png`)
          await p.screenshot({ path })
          paths.push(path)
        }
        await p.emulateMedia({ colorScheme: 'light' })
        if (shotOpts?.viewport !== undefined && ownSize !== null) await p.setViewportSize(ownSize)
        return paths
      },
      async close() {
        if (closed) return
        closed = true
        await b.close()
        await backend.close()
      },
    }
  } catch (err) {
    closed = true
    await browser?.close()
    await backend.close()
    throw err
  }
}

/** Close the app after a test; an uncaught exception in its page fails that test, whatever it asserted. */
export async function closeApp(app: App | undefined): Promise<void> {
  const errors = app?.pageErrors ?? []
  await app?.close()
  expect(errors).toEqual([])
}
