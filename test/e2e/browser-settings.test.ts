import { access, mkdir, readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'

import { afterEach, describe, expect, it } from 'vitest'

import { NATIVE_HOST_NAME } from '../../shared/extension-id.ts'
import { makeTempDir } from '../fixtures/temp-dir.ts'
import { closeApp, openApp, transports, type App } from './harness/open-app.ts'
import { byId, visible } from './harness/ui.ts'

// Settings → Browsers installs the browser extension's native host as `pinpoint integrate` does: the manifest
// lands where the browser looks (under HOME, read at each click as the CLI reads it at each run) and names the
// launcher in this app's state folder; a manifest that cannot be written says why.
const exists = (p: string) =>
  access(p).then(
    () => true,
    () => false,
  )

const realHome = process.env['HOME']
let app: App | undefined
afterEach(async () => {
  process.env['HOME'] = realHome
  const closing = app
  app = undefined
  await closeApp(closing)
})

describe.each(transports)('settings: browsers (%s)', (transport) => {
  it('Install writes the manifest on disk, Remove takes it away, and a failed write shows why', async () => {
    app = await openApp({ transport, viewport: { width: 1280, height: 900 } })
    const { page, core } = app
    // Set after the browser started, so only the handlers see this home.
    const home = await makeTempDir('e2e-browsers-home')
    process.env['HOME'] = home
    await mkdir(join(home, '.mozilla'), { recursive: true })
    await byId(page, 'tab-settings').click()
    const section = await visible(byId(page, 'browser-settings'))
    await section.scrollIntoViewIfNeeded()
    await expect.poll(() => byId(page, 'browser-firefox-state').innerText()).toBe('Not installed')
    expect(await byId(page, 'browser-chromium-state').innerText()).toBe('Not installed (no profile found)')

    const manifest = join(home, '.config/chromium/NativeMessagingHosts', `${NATIVE_HOST_NAME}.json`)
    await byId(page, 'browser-chromium-install').click()
    await expect.poll(() => byId(page, 'browser-chromium-state').innerText()).toBe('Installed')
    const written = JSON.parse(await readFile(manifest, 'utf8'))
    const launcher = join(core.store.dir, 'pinpoint-native-host')
    expect(written).toMatchObject({ name: NATIVE_HOST_NAME, type: 'stdio', path: launcher })
    expect(await readFile(launcher, 'utf8')).toContain(`PINPOINT_STATE_DIR='${core.store.dir}'`)
    expect(await byId(page, 'browser-chromium-remove').isVisible()).toBe(true)
    expect(await byId(page, 'browser-error').count()).toBe(0)

    // A file where Chrome's folder goes: the write fails, and the line says what and where.
    await mkdir(join(home, '.config'), { recursive: true })
    await writeFile(join(home, '.config', 'google-chrome'), 'not a folder')
    await byId(page, 'browser-chrome-install').click()
    const error = await visible(byId(page, 'browser-error'))
    expect(await error.innerText()).toMatch(/^could not install the chrome host: ENOTDIR on .*google-chrome/)
    expect(await byId(page, 'browser-chrome-install').isVisible()).toBe(true)
    expect(await exists(join(home, '.config/google-chrome/NativeMessagingHosts'))).toBe(false)
    await section.scrollIntoViewIfNeeded()
    await app.screenshot('settings-browsers')

    await byId(page, 'browser-chromium-remove').click()
    await expect.poll(() => byId(page, 'browser-chromium-state').innerText()).toBe('Not installed')
    expect(await exists(manifest)).toBe(false)
    expect(await exists(launcher)).toBe(false)
    // The error was about the last change; a change that worked clears it.
    expect(await byId(page, 'browser-error').count()).toBe(0)
    expect(app.pageErrors).toEqual([])
  }, 90_000)
})
