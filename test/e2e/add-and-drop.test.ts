import { readFile } from 'node:fs/promises'
import { join } from 'node:path'

import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'

import { NOT_OFFERED } from '../../electron/serve/serve-desktop.ts'
import type { Output } from '../../shared/ipc.ts'
import { startFaultServer, type FaultServer } from '../fixtures/fault-server.ts'
import { makePayload, sha256 } from '../fixtures/payload.ts'
import { openApp, transports, type App, closeApp } from './harness/open-app.ts'
import {
  byId,
  dropOnWindow,
  expectNotOffered,
  expectRowState,
  openAddDialog,
  row,
  setField,
  transferIdFor,
  visible,
} from './harness/ui.ts'

// Adding downloads the ways a user does: pasting a list into the add dialog, dropping links, dropping a .txt
// file, choosing the folder. Every URL points at a real loopback server, and each added transfer must finish
// with the right bytes. Each scenario runs in the app's bridge and in a browser on `pinpoint serve`.
let server: FaultServer
let app: App | undefined
const files = new Map<string, Buffer>()

beforeAll(async () => {
  server = await startFaultServer()
  let seed = 60
  const names = ['one.bin', 'two.bin', 'dropped-a.bin', 'dropped-b.bin', 'listed-a.bin', 'listed-b.bin', 'placed.bin']
  for (const name of names) {
    const body = makePayload(384 * 1024, seed++)
    files.set(name, body)
    server.serve(`/${name}`, { body })
  }
})
afterAll(async () => {
  await server.close()
})
afterEach(async () => {
  const closing = app
  app = undefined
  await closeApp(closing)
})

/** Wait for `name`'s transfer to complete in the UI, then check the file on disk against what was served. */
async function expectDownloaded(a: App, name: string, dir = a.downloadDir): Promise<number> {
  const id = await transferIdFor(a.core, server.url(`/${name}`))
  await expectRowState(a.page, id, 'completed')
  const saved = a.core.store.transfers.get(id)?.savedPath
  expect(saved).toBe(join(dir, name))
  expect(sha256(await readFile(saved as string))).toBe(sha256(files.get(name) as Buffer))
  return id
}

describe.each(transports)('adding downloads (%s)', (transport) => {
  it('a pasted list: every bad line is shown with its reason, good ones are added and complete', async () => {
    app = await openApp({ transport })
    const { page } = app
    // A protocol-relative link and a bare name used to vanish without a word, as did a line with no link at all.
    const bad = [
      'ftp://mirror.test/pub/file.iso',
      'file:///etc/passwd',
      'see the notes below',
      '//cdn.test/pub/file.iso',
      'mirror.test/pub/file.iso',
    ]
    const text = [server.url('/one.bin'), ...bad, server.url('/two.bin')].join('\n')
    await openAddDialog(page, text)

    // The reasons the UI must show are the core's own, for exactly these lines.
    const parsed = (await app.core.ipc.dispatcher.handle(
      'links:parse',
      { text, kind: 'lines' },
      app.pageUrl,
    )) as Output<'links:parse'>
    expect(parsed.rejected.map((r) => r.input)).toEqual(bad)
    const rejected = await visible(byId(page, 'add-rejected'))
    const shown = async (): Promise<string> => (await rejected.allInnerTexts()).join('\n')
    await expect.poll(() => rejected.count()).toBe(bad.length)
    for (const { input, reason } of parsed.rejected) {
      expect(await shown()).toContain(input)
      expect(await shown()).toContain(reason)
    }
    await app.screenshot('add-dialog')

    await byId(page, 'add-submit').click()
    await byId(page, 'add-dialog').waitFor({ state: 'hidden' })
    const one = await expectDownloaded(app, 'one.bin')
    await expectDownloaded(app, 'two.bin')
    expect(app.core.store.transfers.count()).toBe(2)
    // Progress ends visibly at completion, and the list is the one on screen.
    await visible(byId(page, 'transfer-list'))
    expect(await byId(page, 'transfer-row').count()).toBe(2)

    // A finished file can be shown and opened where the app runs; a browser on the daemon is told why not.
    await row(page, one).click()
    const saved = app.core.store.transfers.get(one)?.savedPath
    if (transport === 'bridge') {
      await byId(page, 'action-reveal').click()
      await expect.poll(() => app?.desktop.reveal).toEqual([saved])
      await byId(page, 'action-open').click()
      await expect.poll(() => app?.desktop.open).toEqual([saved])
    } else {
      await expectNotOffered(page, 'action-reveal', NOT_OFFERED)
      await expectNotOffered(page, 'action-open', NOT_OFFERED)
    }
    expect(app.pageErrors).toEqual([])
  }, 60_000)

  it('the folder: the app asks its dialog; a browser names a sub-folder of a root, and it is checked', async () => {
    app = await openApp({ transport })
    const { page, pickedDir } = app
    const url = server.url('/placed.bin')
    await openAddDialog(page, url)
    let dir = pickedDir
    if (transport === 'bridge') {
      await byId(page, 'choose-folder').click()
      await expect.poll(() => byId(page, 'folder-label').innerText()).toBe(pickedDir)
      expect(await byId(page, 'folder-root').count()).toBe(0)
    } else {
      // No dialog the user could see on the server's machine: a root and a sub-folder instead of "Folder…".
      expect(await byId(page, 'choose-folder').count()).toBe(0)
      await setField(byId(page, 'folder-root'), '1')
      await setField(byId(page, 'folder-sub'), '../escape')
      await byId(page, 'add-submit').click()
      await expect.poll(() => byId(page, 'folder-hint').innerText()).toContain('".." is not allowed')
      expect(await byId(page, 'folder-sub').getAttribute('aria-invalid')).toBe('true')
      await app.screenshot('add-dialog-folder-error')
      expect(app.core.store.transfers.count()).toBe(0)

      await setField(byId(page, 'folder-sub'), 'isos/2024')
      expect(await byId(page, 'folder-sub').getAttribute('aria-invalid')).toBe('false')
      await app.screenshot('add-dialog-folder')
      dir = join(pickedDir, 'isos', '2024')
    }
    await byId(page, 'add-submit').click()
    await byId(page, 'add-dialog').waitFor({ state: 'hidden' })
    await expectDownloaded(app, 'placed.bin', dir)
  }, 60_000)

  it('dropping a link list opens the add dialog pre-filled; confirming downloads them; the window stays put', async () => {
    app = await openApp({ transport })
    const { page } = app
    const urls = [server.url('/dropped-a.bin'), server.url('/dropped-b.bin')]
    const drop = await dropOnWindow(page, { uriList: `# from a browser\r\n${urls.join('\r\n')}\r\n` })
    // Cancelling dragover and drop is what keeps Chromium from opening the dropped link in the window.
    expect(drop).toEqual({ dragoverPrevented: true, dropPrevented: true, overlayShown: true })

    await visible(byId(page, 'add-dialog'))
    for (const url of urls) await expect.poll(() => byId(page, 'add-urls').inputValue()).toContain(url)
    expect(app.core.store.transfers.count()).toBe(0)
    await byId(page, 'add-submit').click()
    for (const name of ['dropped-a.bin', 'dropped-b.bin']) await expectDownloaded(app, name)
    expect(page.url()).toBe(app.pageUrl)
    expect(app.navigations).toEqual([])
  }, 60_000)

  it('what a drop brought that is not a link stays listed with its reason when the list is checked again', async () => {
    app = await openApp({ transport })
    const { page } = app
    const url = server.url('/dropped-a.bin')
    await dropOnWindow(page, { uriList: `${url}\r\njavascript:alert(1)\r\n` })
    await visible(byId(page, 'add-dialog'))
    const rejected = byId(page, 'add-rejected')
    await expect.poll(() => rejected.allInnerTexts()).toEqual([expect.stringContaining('javascript:alert(1)')])
    await byId(page, 'add-check').click()
    await expect.poll(() => byId(page, 'add-preview').count(), { timeout: 30_000 }).toBe(1)
    expect(await rejected.allInnerTexts()).toEqual([expect.stringContaining('links run script')])
    await byId(page, 'add-submit').click()
    await expectDownloaded(app, 'dropped-a.bin')
  }, 60_000)

  it('dropping a .txt file of links opens the add dialog with its links; the window stays put', async () => {
    app = await openApp({ transport })
    const { page } = app
    const urls = [server.url('/listed-a.bin'), server.url('/listed-b.bin')]
    const text = `Mirrors for this week:\n${urls.join('\n')}\n`
    const drop = await dropOnWindow(page, { file: { name: 'links.txt', type: 'text/plain', text } })
    expect(drop).toEqual({ dragoverPrevented: true, dropPrevented: true, overlayShown: true })

    await visible(byId(page, 'add-dialog'))
    for (const url of urls) await expect.poll(() => byId(page, 'add-urls').inputValue()).toContain(url)
    await byId(page, 'add-submit').click()
    for (const name of ['listed-a.bin', 'listed-b.bin']) await expectDownloaded(app, name)
    expect(await row(page, await transferIdFor(app.core, urls[0] as string)).isVisible()).toBe(true)
    expect(page.url()).toBe(app.pageUrl)
    expect(app.navigations).toEqual([])
  }, 60_000)
})
