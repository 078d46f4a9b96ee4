import { existsSync } from 'node:fs'
import { join } from 'node:path'

import { chromium, type BrowserContext, type LaunchOptions, type Worker } from 'playwright-core'

import { chromiumPath, repoRoot } from './open-app.ts'

/** The built extension for Chromium-family browsers, unpacked. */
export const extensionDir = join(repoRoot, 'dist', 'extension', 'chromium')

export interface ExtensionBrowserOptions {
  /** The unpacked extension to load; the built one by default. */
  extension?: string
  headless?: boolean
  /** Arguments after the common ones (a window size, `--headless=new`, dark mode…). */
  args?: string[]
  downloadsPath?: string
  colorScheme?: 'light' | 'dark'
  viewport?: { width: number; height: number }
  env?: LaunchOptions['env']
}

/**
 * Debian's Chromium on a fresh profile folder with the extension loaded unpacked, as a user loads it, and no
 * background chatter of its own (sync, component updates) to muddy what the tests observe.
 */
export async function launchWithExtension(
  userDataDir: string,
  opts: ExtensionBrowserOptions = {},
): Promise<BrowserContext> {
  const ext = opts.extension ?? extensionDir
  if (!existsSync(join(ext, 'manifest.json'))) {
    throw new Error(`${ext} has no manifest.json: run \`npm run build\` before the e2e tests`)
  }
  return chromium.launchPersistentContext(userDataDir, {
    executablePath: chromiumPath,
    headless: opts.headless ?? true,
    ...(opts.downloadsPath ? { acceptDownloads: true, downloadsPath: opts.downloadsPath } : {}),
    ...(opts.colorScheme ? { colorScheme: opts.colorScheme } : {}),
    ...(opts.viewport ? { viewport: opts.viewport } : {}),
    ...(opts.env ? { env: opts.env } : {}),
    // Playwright passes --disable-extensions by default, which would keep ours from loading.
    ignoreDefaultArgs: ['--disable-extensions'],
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      ...(opts.args ?? []),
      `--disable-extensions-except=${ext}`,
      `--load-extension=${ext}`,
    ],
    timeout: 30_000,
  })
}

/** The extension's service worker: running already, or once it starts. */
export async function extensionWorker(context: BrowserContext): Promise<Worker> {
  return context.serviceWorkers()[0] ?? (await context.waitForEvent('serviceworker', { timeout: 15_000 }))
}
