import { mkdir, readdir, readFile } from 'node:fs/promises'
import { join } from 'node:path'

import { afterAll, beforeAll, describe, expect, it } from 'vitest'

import { connectControl, type ControlClient } from '../../electron/cli/control-client.ts'
import { FIREFOX_EXTENSION_ID } from '../../shared/extension-id.ts'
import { NOT_RUNNING_REASON } from '../../shared/native-messages.ts'
import type { Settings } from '../../shared/settings.ts'
import { APP_VERSION } from '../../shared/version.ts'
import type { BidiEvent } from '../fixtures/bidi.ts'
import {
  firefoxInstalled,
  FIREFOX,
  makeFirefoxProfile,
  startFirefox,
  type RunningFirefox,
} from '../fixtures/firefox.ts'
import type { AuthNginx } from '../fixtures/nginx-auth.ts'
import { makePayload, sha256 } from '../fixtures/payload.ts'
import type { ServerProcess } from '../fixtures/server-process.ts'
import { repoRoot } from './harness/open-app.ts'
import {
  closeHandoffWorld,
  expectSavedByServe,
  pinpointRequests,
  signedInFileUrl,
  startHandoffWorld,
  startServeProcess,
  type HandoffWorld,
} from './harness/handoff-world.ts'

// No doubles: the built Firefox extension installed from an .xpi into a fresh profile of Debian's Firefox ESR,
// the host manifest and launcher written by the real `pinpoint integrate --browser firefox`, the real
// `pinpoint native-host` Firefox starts, a real `pinpoint serve`, and an nginx that serves the file only to a
// request carrying the session cookie its /login page set.
const extensionDir = join(repoRoot, 'dist', 'extension', 'firefox')
const SESSION = 'f1ref0x'
/** The extension's moz-extension:// host, fixed in the profile so the popup has a known address. */
const EXTENSION_UUID = '5f1d7a52-0c3e-4e8a-9b1f-2d6c1e0a7b44'
const POPUP = `moz-extension://${EXTENSION_UUID}/popup.html`
/** Generous: on a busy machine each hand-off starts a Node process for the host. */
const POLL_MS = 30_000
// Over the extension's 1 MiB capture minimum.
const FILE = makePayload(3 * 1024 * 1024 + 77, 6160)

if (!firefoxInstalled)
  console.warn(`firefox-extension: ${FIREFOX} is not installed (apt-get install firefox-esr); skipped`)

let world: HandoffWorld | undefined
let nginx: AuthNginx
let dir: string
let stateDir: string
let serveDownloads: string
let browserDownloads: string
let profile: string
let serve: ServerProcess | undefined
let control: ControlClient | undefined
let firefox: RunningFirefox | undefined

const fileUrl = () => signedInFileUrl(nginx)
/** What the native host recorded of the hand-offs it was asked for; it runs only when the extension starts it. */
async function hostHandoffs(): Promise<Array<{ url: string; accepted: boolean; reason?: string }>> {
  try {
    return JSON.parse(await readFile(join(stateDir, 'native-handoffs.json'), 'utf8')) as never
  } catch {
    return []
  }
}
/** What Firefox recorded of its add-ons in the profile. */
async function installedAddons(): Promise<Array<Record<string, unknown>>> {
  try {
    return (JSON.parse(await readFile(join(profile, 'extensions.json'), 'utf8')) as { addons: [] }).addons
  } catch {
    return []
  }
}
/** Open nginx's /login in Firefox's tab (it sets the session cookie) and click its link to the file. */
async function clickFileLink(): Promise<string> {
  const bidi = (firefox as RunningFirefox).bidi
  const tree = await bidi.send<{ contexts: Array<{ context: string }> }>('browsingContext.getTree', {})
  const context = (tree.contexts[0] as { context: string }).context
  await bidi.send('browsingContext.navigate', { context, url: `${nginx.base}/login`, wait: 'complete' })
  await bidi.send('script.evaluate', {
    target: { context },
    expression: `document.getElementById('file').click()`,
    awaitPromise: false,
  })
  return context
}
/** A tab showing the extension's popup page, which can also read the extension's state through `browser.*`. */
let extensionTab: string | undefined
async function inExtension<T>(expression: string): Promise<T> {
  const ff = firefox as RunningFirefox
  extensionTab ??= await ff.openTab(POPUP)
  return ff.evaluate<T>(extensionTab, expression)
}
const handoffs = () =>
  inExtension<Array<{ url: string; state: string; reason?: string }> | undefined>(
    `browser.storage.local.get('handoffs').then((r) => r.handoffs)`,
  )
const browserDownloadList = () =>
  inExtension<Array<{ url: string; state: string; totalBytes: number }>>(
    `browser.downloads.search({}).then((l) => l.map(({ url, state, totalBytes }) => ({ url, state, totalBytes })))`,
  )
const badge = () => inExtension<string>('browser.action.getBadgeText({})')
/** Open the popup afresh (it asks the native host on opening); then what it says about Pinpoint, when polled. */
async function openPopup(): Promise<() => Promise<string>> {
  const ff = firefox as RunningFirefox
  const tab = await ff.openTab(POPUP)
  return () => ff.evaluate<string>(tab, `document.getElementById('status').textContent`)
}
const downloadEvents = (): BidiEvent[] =>
  (firefox?.bidi.events() ?? []).filter((e) => e.method.startsWith('browsingContext.download'))

beforeAll(async () => {
  if (!firefoxInstalled) return
  world = await startHandoffWorld({ browser: 'firefox', extensionDir, file: FILE, session: SESSION, tag: 'ff-ext' })
  ;({ nginx, dir, stateDir } = world)
  const { home } = world
  profile = join(dir, 'profile')
  serveDownloads = join(dir, 'serve-downloads')
  browserDownloads = join(dir, 'browser-downloads')
  for (const d of [serveDownloads, browserDownloads]) await mkdir(d)
  // `integrate` wrote the manifest into ~/.mozilla/native-messaging-hosts, where Firefox looks for it with HOME
  // pointing there.
  const manifest = JSON.parse(await readFile(world.manifest, 'utf8')) as { allowed_extensions: string[] }
  expect(manifest.allowed_extensions).toEqual([FIREFOX_EXTENSION_ID])

  ;({ serve, control } = await startServeProcess(stateDir, serveDownloads))

  await makeFirefoxProfile(profile, {
    extensionDir,
    extensionId: FIREFOX_EXTENSION_ID,
    extensionUuid: EXTENSION_UUID,
    downloadDir: browserDownloads,
  })
  firefox = await startFirefox(profile, home)
  await firefox.bidi.send('session.subscribe', {
    events: ['browsingContext.downloadWillBegin', 'browsingContext.downloadEnd'],
  })
}, 90_000)

afterAll(async () => {
  control?.close()
  await firefox?.stop()
  await serve?.stop()
  await closeHandoffWorld(world)
})

describe.skipIf(!firefoxInstalled)('the extension in Firefox ESR, the native host and pinpoint serve, all real', () => {
  it('installs the unsigned extension from the profile and enables it', async () => {
    await expect
      .poll(async () => (await installedAddons()).find((a) => a.id === FIREFOX_EXTENSION_ID), { timeout: POLL_MS })
      .toMatchObject({ active: true, userDisabled: false, appDisabled: false, location: 'app-profile' })
  })

  it("opens the popup, whose hello the native host answers with serve's state", async () => {
    await expect.poll(await openPopup(), { timeout: POLL_MS }).toBe(`Connected · Pinpoint ${APP_VERSION}`)
  })

  it('hands a signed-in download to the running serve with its cookie, and the browser copy is removed', async () => {
    const bidi = (firefox as RunningFirefox).bidi
    expect((await fetch(fileUrl())).status).toBe(403)
    const context = await clickFileLink()

    // The native host, started by the extension's background, took the download for the running serve.
    await expect
      .poll(hostHandoffs, { timeout: POLL_MS })
      .toContainEqual(expect.objectContaining({ url: fileUrl(), accepted: true }))
    await expectSavedByServe(control as ControlClient, fileUrl(), serveDownloads, FILE, POLL_MS)

    // Every request Pinpoint made carried Firefox's session cookie, its User-Agent and the page as Referer.
    const requests = pinpointRequests(nginx)
    expect(requests.length).toBeGreaterThan(0)
    const userAgent = (
      await bidi.send<{ result: { value: string } }>('script.evaluate', {
        target: { context },
        expression: 'navigator.userAgent',
        awaitPromise: false,
      })
    ).result.value
    expect(userAgent).toContain('Firefox/')
    for (const r of requests) {
      expect(r).toMatchObject({
        status: '206',
        http_cookie: `session=${SESSION}`,
        http_user_agent: userAgent,
        http_referer: `${nginx.base}/login`,
      })
    }

    // Firefox saves a fast server's file before Pinpoint answers (it has nothing to hold a download back with);
    // once Pinpoint took it, that copy is deleted, so the folder that held it ends up empty.
    await expect.poll(downloadEvents, { timeout: POLL_MS }).toContainEqual(
      expect.objectContaining({
        method: 'browsingContext.downloadEnd',
        params: expect.objectContaining({ url: fileUrl() }),
      }),
    )
    await expect.poll(() => readdir(browserDownloads), { timeout: POLL_MS }).toEqual([])
    // The extension's own record: accepted, the browser's entry gone from its list, no warning on the icon.
    expect((await handoffs())?.[0]).toMatchObject({ url: fileUrl(), state: 'accepted' })
    await expect.poll(browserDownloadList, { timeout: POLL_MS }).toEqual([])
    expect(await badge()).toBe('')
  }, 120_000)

  it('with serve stopped and starting from the browser off, leaves the download to Firefox, bytes intact', async () => {
    const settings = await (control as ControlClient).request<Settings>('settings:update', {
      startFromBrowser: false,
    })
    expect(settings.startFromBrowser).toBe(false)
    control?.close()
    control = undefined
    await serve?.stop()
    serve = undefined
    expect(await connectControl(stateDir)).toBeUndefined()
    const before = pinpointRequests(nginx).length
    const recorded = (await hostHandoffs()).length

    await clickFileLink()
    await expect
      .poll(async () => (await hostHandoffs()).slice(recorded), { timeout: POLL_MS })
      .toEqual([expect.objectContaining({ url: fileUrl(), accepted: false, reason: NOT_RUNNING_REASON })])
    await expect.poll(() => readdir(browserDownloads), { timeout: POLL_MS }).toEqual(['file.bin'])
    expect(sha256(await readFile(join(browserDownloads, 'file.bin')))).toBe(sha256(FILE))
    await expect
      .poll(async () => (await handoffs())?.[0], { timeout: POLL_MS })
      .toMatchObject({
        url: fileUrl(),
        state: 'unreachable',
        reason: 'Pinpoint is not running: start the app or `pinpoint serve`',
      })
    expect(await browserDownloadList()).toEqual([{ url: fileUrl(), state: 'complete', totalBytes: FILE.length }])
    expect(await badge()).toBe('!')
    await expect.poll(await openPopup(), { timeout: POLL_MS }).toBe(`Pinpoint ${APP_VERSION} is not running`)
    // The host asked nothing of nginx and started no serve of its own.
    expect(pinpointRequests(nginx)).toHaveLength(before)
    expect(await connectControl(stateDir)).toBeUndefined()
  }, 120_000)
})
