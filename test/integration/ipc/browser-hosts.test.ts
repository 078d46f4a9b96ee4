import { access, mkdir, readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'

import { afterEach, describe, expect, it } from 'vitest'

import { EXTENSION_ID, NATIVE_HOST_NAME } from '../../../shared/extension-id.ts'
import { runCli } from '../../fixtures/run-cli.ts'
import { makeTempDir } from '../../fixtures/temp-dir.ts'
import { makeIpcHarness, type IpcHarness } from './ipc-harness.ts'

const exists = (p: string) =>
  access(p).then(
    () => true,
    () => false,
  )

const LAUNCHER = { node: '/opt/node/bin/node', script: '/opt/pinpoint/bin/pinpoint.js' }

let h: IpcHarness | undefined
afterEach(async () => {
  await h?.close()
  h = undefined
})

async function harness(): Promise<{ h: IpcHarness; home: string }> {
  const home = await makeTempDir('browsers-home')
  h = await makeIpcHarness({ browserHosts: { home, os: 'linux', launcher: LAUNCHER } })
  return { h, home }
}

// The Settings' Browsers section over the real handlers and dispatcher, writing real files into a temp home.
describe('browsers:status and browsers:integrate', () => {
  it('in the packaged app, names the app itself as the host, with no launcher script', async () => {
    const home = await makeTempDir('browsers-home-app')
    const app = '/opt/Pinpoint/pinpoint'
    h = await makeIpcHarness({ browserHosts: { home, os: 'linux', launcher: { executable: app } } })
    const done = await h.api.invoke('browsers:integrate', { browser: 'firefox', uninstall: false })
    expect(done.error).toBeNull()
    const manifestPath = join(home, '.mozilla/native-messaging-hosts', `${NATIVE_HOST_NAME}.json`)
    expect(JSON.parse(await readFile(manifestPath, 'utf8'))).toMatchObject({ path: app, type: 'stdio' })
    expect(await exists(join(h.stateDir, 'pinpoint-native-host'))).toBe(false)
  })

  it('installs a browser host the way `pinpoint integrate` does, and removes it again', async () => {
    const { h, home } = await harness()
    await mkdir(join(home, '.config', 'chromium'), { recursive: true })
    const before = await h.api.invoke('browsers:status', {})
    expect(before.error).toBeNull()
    expect(before.browsers.map((b) => b.browser)).toEqual(['chromium', 'chrome', 'edge', 'brave', 'firefox'])
    const manifestPath = join(home, '.config/chromium/NativeMessagingHosts', `${NATIVE_HOST_NAME}.json`)
    expect(before.browsers[0]).toEqual({ browser: 'chromium', installed: false, found: true, manifestPath })
    expect(before.browsers[1]).toMatchObject({ browser: 'chrome', installed: false, found: false })

    const after = await h.api.invoke('browsers:integrate', { browser: 'chromium', uninstall: false })
    expect(after.error).toBeNull()
    expect(after.browsers[0]).toMatchObject({ browser: 'chromium', installed: true })
    expect(after.browsers.filter((b) => b.installed).map((b) => b.browser)).toEqual(['chromium'])
    const manifest = JSON.parse(await readFile(manifestPath, 'utf8'))
    const launcherPath = join(h.stateDir, 'pinpoint-native-host')
    expect(manifest).toEqual({
      name: NATIVE_HOST_NAME,
      description: expect.any(String),
      path: launcherPath,
      type: 'stdio',
      allowed_origins: [`chrome-extension://${EXTENSION_ID}/`],
    })
    // The launcher runs the given pinpoint as the native host, pointed at this process's state folder.
    const launcher = await readFile(launcherPath, 'utf8')
    expect(launcher).toContain(`PINPOINT_STATE_DIR='${h.stateDir}'`)
    expect(launcher).toContain(`exec '${LAUNCHER.node}' '${LAUNCHER.script}' native-host "$@"`)
    expect((await h.api.invoke('browsers:status', {})).browsers[0]?.installed).toBe(true)

    // Another program's host in the same folder is left alone, and so is the folder.
    await writeFile(join(home, '.config/chromium/NativeMessagingHosts', 'someone.else.json'), '{}')
    const removed = await h.api.invoke('browsers:integrate', { browser: 'chromium', uninstall: true })
    expect(removed).toMatchObject({ error: null })
    expect(removed.browsers.every((b) => !b.installed)).toBe(true)
    expect(await exists(manifestPath)).toBe(false)
    expect(await exists(join(home, '.config/chromium/NativeMessagingHosts', 'someone.else.json'))).toBe(true)
    expect(await exists(launcherPath)).toBe(false)
  })

  it('writes the files the CLI removes: one implementation behind both', async () => {
    const { h, home } = await harness()
    const firefox = join(home, '.mozilla/native-messaging-hosts', `${NATIVE_HOST_NAME}.json`)
    await h.api.invoke('browsers:integrate', { browser: 'firefox', uninstall: false })
    expect(await exists(firefox)).toBe(true)
    const off = await runCli(['integrate', '--uninstall', '--browser', 'firefox'], {
      env: { HOME: home, PINPOINT_STATE_DIR: h.stateDir },
    })
    expect(off).toMatchObject({ code: 0, stderr: `removed ${firefox}\n` })
    expect((await h.api.invoke('browsers:status', {})).browsers.find((b) => b.browser === 'firefox')).toMatchObject({
      installed: false,
    })
    expect(await exists(join(h.stateDir, 'pinpoint-native-host'))).toBe(false)
  })

  it('a manifest that cannot be written is a FILE_ERROR naming the path, as data', async () => {
    const { h, home } = await harness()
    // A file where the browser's folder would go: mkdir fails (even for root, unlike a permission bit).
    await mkdir(join(home, '.config'), { recursive: true })
    await writeFile(join(home, '.config', 'google-chrome'), 'not a folder')
    const answer = await h.api.invoke('browsers:integrate', { browser: 'chrome', uninstall: false })
    expect(answer.error).toEqual({
      code: 'FILE_ERROR',
      message: expect.stringMatching(/^could not install the chrome host: ENOTDIR on .*google-chrome/),
    })
    expect(answer.browsers.find((b) => b.browser === 'chrome')?.installed).toBe(false)
  })

  it('inside Electron, with no launcher given, Install refuses instead of naming a binary that runs no scripts', async () => {
    const home = await makeTempDir('browsers-home')
    Object.defineProperty(process.versions, 'electron', { value: '45.0.0', configurable: true })
    try {
      h = await makeIpcHarness({ browserHosts: { home, os: 'linux' } })
    } finally {
      delete (process.versions as Record<string, string | undefined>)['electron']
    }
    const answer = await h.api.invoke('browsers:integrate', { browser: 'chromium', uninstall: false })
    expect(answer.error).toEqual({ code: 'BAD_INPUT', message: expect.stringContaining('pinpoint integrate') })
    expect(answer.browsers.some((b) => b.installed)).toBe(false)
    expect(await exists(join(home, '.config'))).toBe(false)
    expect(await exists(join(h.stateDir, 'pinpoint-native-host'))).toBe(false)
  })

  it('refuses a browser it does not know before anything runs', async () => {
    const { h, home } = await harness()
    await expect(h.raw('browsers:integrate', { browser: 'netscape', uninstall: false })).rejects.toThrow(
      /^browsers:integrate: browser: /,
    )
    await expect(h.raw('browsers:integrate', { browser: 'chrome' })).rejects.toThrow(/uninstall/)
    expect(await exists(join(home, '.config'))).toBe(false)
    expect(await exists(join(h.stateDir, 'pinpoint-native-host'))).toBe(false)
  })
})
