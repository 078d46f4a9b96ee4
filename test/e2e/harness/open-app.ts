import { existsSync } from 'node:fs'
import { mkdir } from 'node:fs/promises'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'

import { chromium, type Browser, type Page } from 'playwright-core'

import { startCore, type Core } from '../../../electron/app-core.ts'
import type { Desktop } from '../../../electron/ipc/desktop.ts'
import type { EventChannel } from '../../../shared/ipc.ts'
import { makeTempDir, removeTempDir } from '../../fixtures/temp-dir.ts'
import { bridgeScript, DISPATCH_FN, INVOKE_BINDING } from './bridge.ts'
import { startStaticServer } from './static-server.ts'

type Dispatch = (channel: string, payload: unknown) => void

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
  /** Runs after the core starts and before the page loads, e.g. to put transfers straight into the store. */
  seed?: (core: Core) => void | Promise<void>
  viewport?: { width: number; height: number }
}

export interface DesktopCalls {
  chooseFolder: number
  reveal: string[]
  open: string[]
}

export interface App {
  page: Page
  core: Core
  /** The served index.html: the URL the page was opened at and the only sender the core trusts. */
  pageUrl: string
  /** The default download folder (the settings' folder until the user picks another). */
  downloadDir: string
  /** What the fake folder dialog returns. */
  pickedDir: string
  /** Calls that reached the fake desktop shell. */
  desktop: DesktopCalls
  /** Uncaught exceptions in the page, to assert the UI ran cleanly. */
  pageErrors: string[]
  /**
   * console.error output, kept apart: Chromium logs some there that are not the app's failures (it notes that a
   * `<meta>` CSP cannot carry frame-ancestors, which Electron prints too).
   */
  consoleErrors: string[]
  /** Every URL the main frame navigated to after the first load (a drop must not add any). */
  navigations: string[]
  /** Events the core emitted, in order, as the page was sent them. */
  emitted: Array<{ channel: EventChannel; payload: unknown }>
  /** Save `screenshots/<name>-light.png` and `-dark.png`; returns the paths. */
  screenshot(name: string): Promise<string[]>
  close(): Promise<void>
}

/**
 * The app as a user meets it, minus Electron: the built renderer in Debian's Chromium, talking to the real core.
 *
 * `startCore` is what Electron's main runs: the store in a temp folder, the transport, the queue and every IPC
 * handler. The page gets `window.api` from an init script; each `invoke` crosses a Playwright binding into
 * `core.ipc.dispatcher.handle` with the calling frame's URL as the sender, so the core's sender check and input
 * parsing apply exactly as behind Electron's ipcMain. Only the desktop shell (folder dialog, reveal, open) is a
 * fake, because that is the IPC boundary's far side.
 */
export async function openApp(opts: OpenAppOptions = {}): Promise<App> {
  if (!existsSync(join(rendererDir, 'index.html'))) {
    throw new Error('dist/renderer/index.html is missing: run `npm run build` before the e2e tests')
  }
  const dirs = await Promise.all(['e2e-state', 'e2e-downloads', 'e2e-picked'].map((k) => makeTempDir(k)))
  const [stateDir, downloadDir, pickedDir] = dirs as [string, string, string]
  const server = await startStaticServer(rendererDir)
  const desktop: DesktopCalls = { chooseFolder: 0, reveal: [], open: [] }
  const fakeDesktop: Desktop = {
    chooseFolder: async () => {
      desktop.chooseFolder++
      return pickedDir
    },
    reveal: (path) => void desktop.reveal.push(path),
    open: async (path) => {
      desktop.open.push(path)
      return ''
    },
  }

  // Events are held until the page has loaded (and the bridge exists), then sent in order, one at a time, so a
  // later batch can never overtake an earlier one.
  const emitted: App['emitted'] = []
  let page: Page | undefined
  let ready = false
  let closed = false
  let delivery = Promise.resolve()
  const held: Array<{ channel: EventChannel; payload: unknown }> = []
  const deliver = (event: { channel: EventChannel; payload: unknown }): void => {
    const target = page
    if (!target) return
    delivery = delivery.then(() =>
      target
        .evaluate(
          ([fn, channel, payload]) => (globalThis as unknown as Record<string, Dispatch>)[fn]?.(channel, payload),
          [DISPATCH_FN, event.channel, event.payload] as const,
        )
        // The page may be closing or mid-reload; Electron drops a push to a gone window the same way.
        .catch(() => undefined),
    )
  }

  const core = await startCore({
    stateDir,
    defaultDownloadDir: downloadDir,
    appUrl: server.pageUrl,
    desktop: fakeDesktop,
    emit: (channel, payload) => {
      if (closed) return
      const event = { channel: channel as EventChannel, payload: payload as unknown }
      emitted.push(event)
      if (ready) deliver(event)
      else held.push(event)
    },
  })

  let browser: Browser | undefined
  try {
    await opts.seed?.(core)
    browser = await chromium.launch({ executablePath: chromiumPath, args: CHROMIUM_ARGS, timeout: 30_000 })
    const context = await browser.newContext({ viewport: opts.viewport ?? { width: 1280, height: 800 } })
    const p = await context.newPage()
    page = p
    const pageErrors: string[] = []
    const consoleErrors: string[] = []
    const navigations: string[] = []
    p.on('pageerror', (err) => pageErrors.push(err.message))
    p.on('console', (msg) => {
      if (msg.type() === 'error') consoleErrors.push(msg.text())
    })
    await p.exposeBinding(INVOKE_BINDING, ({ frame }, channel: string, input: unknown) =>
      // Only a top-level frame has a URL the core may trust, as main.ts's mainFrameUrl() decides.
      core.ipc.dispatcher.handle(channel, input, frame.parentFrame() === null ? frame.url() : undefined),
    )
    await p.addInitScript(bridgeScript)
    await p.goto(server.pageUrl, { waitUntil: 'load' })
    p.on('framenavigated', (frame) => {
      if (frame === p.mainFrame()) navigations.push(frame.url())
    })
    ready = true
    for (const event of held.splice(0)) deliver(event)

    const b = browser
    return {
      page: p,
      core,
      pageUrl: server.pageUrl,
      downloadDir,
      pickedDir,
      desktop,
      pageErrors,
      consoleErrors,
      navigations,
      emitted,
      async screenshot(name) {
        await mkdir(screenshotDir, { recursive: true })
        const paths: string[] = []
        for (const colorScheme of ['light', 'dark'] as const) {
          await p.emulateMedia({ colorScheme })
          // Two frames, so styles keyed on prefers-color-scheme have been applied and painted.
          await p.evaluate('new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)))')
          const path = join(screenshotDir, `${name}-${colorScheme}.png`)
          await p.screenshot({ path })
          paths.push(path)
        }
        await p.emulateMedia({ colorScheme: 'light' })
        return paths
      },
      async close() {
        if (closed) return
        closed = true
        await b.close()
        await delivery
        await core.shutdown()
        await server.close()
        await Promise.all(dirs.map((d) => removeTempDir(d)))
      },
    }
  } catch (err) {
    closed = true
    await browser?.close()
    await core.shutdown()
    await server.close()
    await Promise.all(dirs.map((d) => removeTempDir(d)))
    throw err
  }
}
