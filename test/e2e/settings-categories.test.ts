import { readFile } from 'node:fs/promises'
import { join } from 'node:path'

import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'

import { startFaultServer, type FaultServer } from '../fixtures/fault-server.ts'
import { makePayload, sha256 } from '../fixtures/payload.ts'
import { closeApp, openApp, transports, type App } from './harness/open-app.ts'
import { byId, expectRowState, openAddDialog, setField, transferIdFor, visible } from './harness/ui.ts'

// Settings that say what is wrong as it is typed and what was saved, show only what the shell can do, and
// categories that send a download to its type's folder.
let server: FaultServer
let app: App | undefined
const clip = makePayload(96 * 1024, 61)

beforeAll(async () => {
  server = await startFaultServer()
  server.serve('/media/clip.mp4', { body: clip })
  server.serve('/media/notes.bin', { body: makePayload(16 * 1024, 62) })
})
afterAll(async () => {
  await server.close()
})
afterEach(async () => {
  const closing = app
  app = undefined
  await closeApp(closing)
})

async function openSettings(a: App): Promise<void> {
  await byId(a.page, 'tab-settings').click()
  await visible(byId(a.page, 'settings-form'))
}

describe.each(transports)('settings and categories (%s)', (transport) => {
  it('validates as you type with the reason beside the field, never reverts silently, and says Saved', async () => {
    app = await openApp({ transport })
    const { page, core } = app
    await openSettings(app)
    const before = core.ipc.settings.get().maxActive

    const max = byId(page, 'set-max-active')
    await max.fill('0')
    await expect.poll(() => byId(page, 'set-max-active-hint').innerText()).toMatch(/^Must be from 1 to \d+; not saved$/)
    expect(await max.getAttribute('aria-invalid')).toBe('true')
    await max.blur()
    // Left invalid, it stays as typed with its reason: nothing is put back behind the user's back.
    expect(await max.inputValue()).toBe('0')
    expect(await byId(page, 'set-max-active-hint').innerText()).toContain('not saved')
    expect(core.ipc.settings.get().maxActive).toBe(before)
    expect(await byId(page, 'settings-status').innerText()).toBe('')

    await max.fill('2')
    await expect.poll(() => byId(page, 'settings-status').innerText()).toBe('Saved')
    expect(core.ipc.settings.get().maxActive).toBe(2)
    expect(await byId(page, 'set-max-active-hint').innerText()).toBe('')

    const limit = byId(page, 'set-limit')
    await limit.fill('fast')
    await limit.blur()
    expect(await limit.inputValue()).toBe('fast')
    expect(await byId(page, 'set-limit-hint').innerText()).toContain('e.g. 2M')

    const video = byId(page, 'category-video-ext')
    await video.fill('mkv pdf')
    await expect
      .poll(() => byId(page, 'category-video-hint').innerText())
      .toBe('pdf is already in Documents; not saved')
    await video.blur()
    expect(await video.inputValue()).toBe('mkv pdf')
    expect(core.ipc.settings.get().categories.video.extensions).toContain('mp4')
    await app.screenshot('settings-invalid')

    await video.fill('mkv, .WEBM mp4')
    await video.press('Enter')
    await expect.poll(() => core.ipc.settings.get().categories.video.extensions).toEqual(['mkv', 'webm', 'mp4'])
    await expect.poll(() => byId(page, 'settings-status').innerText()).toBe('Saved')
    await expect.poll(() => video.inputValue()).toBe('mkv, webm, mp4')
  }, 60_000)

  it('shows start at login, close to tray and notifications only where the shell has them', async () => {
    app = await openApp({ transport })
    await openSettings(app)
    const { page } = app
    await visible(byId(page, 'set-max-active'))
    // app:info has answered once the folder setting shows its shell's form.
    await visible(byId(page, transport === 'serve' ? 'set-folder-apply' : 'set-folder'))
    const shown = transport === 'bridge' ? 1 : 0
    expect(await byId(page, 'set-start-at-login').count()).toBe(shown)
    expect(await byId(page, 'set-close-to-tray').count()).toBe(shown)
    expect(await byId(page, 'set-notifications').count()).toBe(shown)
    await app.screenshot('settings')
  }, 60_000)

  it("a download added without a folder lands in its category's folder; others in the download folder", async () => {
    app = await openApp({ transport })
    const { page, core } = app
    await openSettings(app)
    let videoDir: string
    if (transport === 'bridge') {
      await byId(page, 'category-video-choose').click()
      videoDir = app.pickedDir
    } else {
      // A browser names the folder inside the server's roots; outside them is refused with the reason.
      await byId(page, 'category-video-choose').click()
      const editor = await visible(byId(page, 'category-folder-editor'))
      await setField(editor.getByTestId('folder-root'), '1')
      await setField(editor.getByTestId('folder-sub'), '../escape')
      await editor.getByTestId('category-folder-apply').click()
      await expect.poll(() => editor.getByTestId('folder-hint').innerText()).toContain('".." is not allowed')
      expect(core.ipc.settings.get().categories.video.dir).toBeNull()
      await setField(editor.getByTestId('folder-sub'), 'videos')
      await editor.getByTestId('category-folder-apply').click()
      videoDir = join(app.pickedDir, 'videos')
    }
    await expect.poll(() => core.ipc.settings.get().categories.video.dir).toBe(videoDir)
    await expect.poll(() => byId(page, 'category-video-folder').innerText()).toBe(videoDir)
    await expect.poll(() => byId(page, 'settings-status').innerText()).toBe('Saved')
    await app.screenshot('settings-categories')

    await byId(page, 'tab-transfers').click()
    await openAddDialog(page, [server.url('/media/clip.mp4'), server.url('/media/notes.bin')].join('\n'))
    await byId(page, 'add-submit').click()
    const clipId = await transferIdFor(core, server.url('/media/clip.mp4'))
    const notesId = await transferIdFor(core, server.url('/media/notes.bin'))
    await expectRowState(page, clipId, 'completed')
    await expectRowState(page, notesId, 'completed')
    const saved = core.store.transfers.get(clipId)?.savedPath as string
    expect(saved).toBe(join(videoDir, 'clip.mp4'))
    expect(sha256(await readFile(saved))).toBe(sha256(clip))
    expect(core.store.transfers.get(notesId)?.savedPath).toBe(join(app.downloadDir, 'notes.bin'))

    // Back to the download folder: the next video goes there.
    await openSettings(app)
    await byId(page, 'category-video-clear').click()
    await expect.poll(() => core.ipc.settings.get().categories.video.dir).toBeNull()
    await expect.poll(() => byId(page, 'category-video-folder').innerText()).toBe('Download folder')
  }, 60_000)
})
