import { access, mkdir, mkdtemp, readFile, stat, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

import { describe, expect, it } from 'vitest'

import { EXTENSION_ID, FIREFOX_EXTENSION_ID, NATIVE_HOST_NAME } from '../../../shared/extension-id.ts'
import { runCli } from '../../fixtures/run-cli.ts'

const exists = (p: string) =>
  access(p).then(
    () => true,
    () => false,
  )

/** `pinpoint integrate` into a temporary HOME, as a user runs it. */
describe('pinpoint integrate', () => {
  it('writes a manifest for each browser found, naming a launcher that runs the host', async () => {
    const home = await mkdtemp(join(tmpdir(), 'pinpoint-integrate-home-'))
    const state = await mkdtemp(join(tmpdir(), 'pinpoint-integrate-state-'))
    await mkdir(join(home, '.config', 'chromium'), { recursive: true })
    await mkdir(join(home, '.mozilla'), { recursive: true })
    const run = await runCli(['integrate', '--state-dir', state], { env: { HOME: home } })
    expect(run.stderr).toContain('chromium: wrote')
    expect(run.code).toBe(0)
    const chromium = JSON.parse(
      await readFile(join(home, '.config/chromium/NativeMessagingHosts', `${NATIVE_HOST_NAME}.json`), 'utf8'),
    )
    expect(chromium).toMatchObject({
      name: NATIVE_HOST_NAME,
      type: 'stdio',
      allowed_origins: [`chrome-extension://${EXTENSION_ID}/`],
    })
    const firefox = JSON.parse(
      await readFile(join(home, '.mozilla/native-messaging-hosts', `${NATIVE_HOST_NAME}.json`), 'utf8'),
    )
    expect(firefox).toMatchObject({ allowed_extensions: [FIREFOX_EXTENSION_ID], path: chromium.path })
    // Browsers without a profile here are left alone.
    expect(await exists(join(home, '.config/google-chrome'))).toBe(false)
    const launcher = await readFile(chromium.path, 'utf8')
    expect(launcher).toMatch(/^#!\/bin\/sh\n/)
    expect(launcher).toContain(`PINPOINT_STATE_DIR='${state}'`)
    expect(launcher).toContain('native-host "$@"')
    expect((await stat(chromium.path)).mode & 0o111).not.toBe(0)
  })

  it('with --browser creates that browser folder, and --uninstall removes only our manifest', async () => {
    const home = await mkdtemp(join(tmpdir(), 'pinpoint-integrate-home-'))
    const state = await mkdtemp(join(tmpdir(), 'pinpoint-integrate-state-'))
    const env = { HOME: home, PINPOINT_STATE_DIR: state }
    const id = 'abcdefghijklmnopabcdefghijklmnop'
    const dir = join(home, '.config/BraveSoftware/Brave-Browser/NativeMessagingHosts')
    expect((await runCli(['integrate', '--browser', 'brave', '--extension-id', id], { env })).code).toBe(0)
    const manifest = join(dir, `${NATIVE_HOST_NAME}.json`)
    expect(JSON.parse(await readFile(manifest, 'utf8')).allowed_origins).toEqual([`chrome-extension://${id}/`])
    await writeFile(join(dir, 'someone.else.json'), '{}')
    const off = await runCli(['integrate', '--uninstall'], { env })
    expect(off.code).toBe(0)
    expect(await exists(manifest)).toBe(false)
    expect(await exists(join(dir, 'someone.else.json'))).toBe(true)
    expect(await exists(join(state, 'pinpoint-native-host'))).toBe(false)
  })

  it('refuses an unknown browser, a bad id, and a HOME with no browser', async () => {
    const home = await mkdtemp(join(tmpdir(), 'pinpoint-integrate-home-'))
    const env = { HOME: home }
    const bad = await runCli(['integrate', '--browser', 'netscape'], { env })
    expect(bad).toMatchObject({ code: 2, stderr: expect.stringContaining('one of chromium, chrome') })
    expect((await runCli(['integrate', '--browser', 'chrome', '--extension-id', 'x'], { env })).code).toBe(2)
    const none = await runCli(['integrate'], { env })
    expect(none).toMatchObject({ code: 2, stderr: expect.stringContaining('--browser') })
  })
})
