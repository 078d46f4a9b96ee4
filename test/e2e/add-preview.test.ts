import { readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'

import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'

import type { HostRule } from '../../shared/domain.ts'
import { startFaultServer, type FaultServer } from '../fixtures/fault-server.ts'
import { makePayload, sha256 } from '../fixtures/payload.ts'
import { makePki, type Pki } from '../fixtures/pki.ts'
import { startSilentListener, type SilentListener } from '../fixtures/silent-listener.ts'
import { startTlsHttpServer, type HandlerResponse, type TlsHttpServer } from '../fixtures/tls-http-server.ts'
import { closeApp, openApp, transports, type App } from './harness/open-app.ts'
import { byId, expectRowState, openAddDialog, row, transferIdFor, visible } from './harness/ui.ts'
import { previewFor, waitForPreview } from './harness/add-preview.ts'

// The add dialog before anything is added: each URL's name (renamable) and size as its server answered main's
// HEAD (or 0-0 range) request through the host rules, the connection it came over, why a URL failed; and a
// URL already in the list, which is never added again without the user's say.
let plain: FaultServer
let pki: Pki
let tlsServer: TlsHttpServer
let silent: SilentListener
let app: App | undefined
const body = makePayload(300 * 1024, 91)

beforeAll(async () => {
  plain = await startFaultServer()
  plain.serve('/files/disk.img', { body, contentDisposition: 'attachment; filename="Disk Image 2024.img"' })
  for (const name of ['dup.bin', 'paused.bin', 'clash.bin']) plain.serve(`/${name}`, { body })
  pki = await makePki()
  tlsServer = await startTlsHttpServer({
    default: pki.defaultLeaf,
    sni: { 'a.test': pki.aTest },
    handler: (req): HandlerResponse => {
      if (req.method === 'HEAD') return { status: 405, headers: { allow: 'GET' } }
      const range = /^bytes=(\d+)-(\d+)$/.exec(req.headers['range'] ?? '')
      if (!range) return { status: 200, body }
      const [start, end] = [Number(range[1]), Math.min(Number(range[2]), body.length - 1)]
      return {
        status: 206,
        headers: { 'content-range': `bytes ${start}-${end}/${body.length}` },
        body: body.subarray(start, end + 1),
      }
    },
  })
  silent = await startSilentListener()
}, 60_000)
afterAll(async () => {
  await Promise.all([plain.close(), tlsServer.close(), silent.close()])
})
afterEach(async () => {
  const closing = app
  app = undefined
  await closeApp(closing)
})

/** files.test reaches the TLS server only through this rule; badpin.test presents a key that is not pinned. */
function rules(): HostRule[] {
  const base = {
    addresses: ['127.0.0.1'],
    sni: 'a.test',
    ca: pki.rootPem,
    pinMode: 'enforce' as const,
    trust: 'ca' as const,
  }
  return [
    { ...base, pattern: 'files.test', pins: [`sha256//${pki.aTest.pin}`] },
    { ...base, pattern: 'badpin.test', pins: [`sha256//${pki.bTest.pin}`] },
  ]
}

describe.each(transports)('the add dialog (%s)', (transport) => {
  it('Check previews each URL: name, size, the connection (pin), and why one failed; a rename is used', async () => {
    app = await openApp({
      transport,
      seed: (core) => {
        for (const rule of rules()) core.store.hostRules.upsert(rule)
      },
    })
    const { page } = app
    const disk = plain.url('/files/disk.img')
    const pinned = tlsServer.url('/release.bin', 'files.test')
    const badPin = tlsServer.url('/release.bin', 'badpin.test')
    const missing = plain.url('/missing.bin')
    // Accepts and never answers: the dialog must still finish, naming why.
    const mute = `http://127.0.0.1:${silent.port}/mute.bin`
    await openAddDialog(page, [disk, pinned, badPin, missing, mute].join('\n'))
    await byId(page, 'add-check').click()
    // The click's state change reaches the DOM on the next render, not synchronously.
    await expect.poll(() => byId(page, 'add-status').innerText()).toBe('Asking the servers…')
    await waitForPreview(page, 5)
    expect(await byId(page, 'add-status').innerText()).toBe('5 links ready; 3 could not be checked')
    expect(await previewFor(page, mute).getByTestId('preview-error').innerText()).toContain('no answer within 8 s')

    const diskItem = previewFor(page, disk)
    expect(await diskItem.getByTestId('preview-name').inputValue()).toBe('Disk Image 2024.img')
    expect(await diskItem.getByTestId('preview-size').innerText()).toBe('300 KiB')
    expect(await diskItem.getByTestId('preview-connection').innerText()).toContain('127.0.0.1')
    expect(await diskItem.getByTestId('preview-connection').innerText()).toContain('not encrypted')

    const tlsText = await previewFor(page, pinned).getByTestId('preview-connection').innerText()
    for (const part of ['HEAD refused', '127.0.0.1', 'a.test', 'TLSv1.3', 'verified', 'pin matched']) {
      expect(tlsText).toContain(part)
    }
    expect(await previewFor(page, pinned).getByTestId('preview-size').innerText()).toBe('300 KiB')
    expect(await previewFor(page, badPin).getByTestId('preview-error').innerText()).toMatch(/pin/i)
    expect(await previewFor(page, missing).getByTestId('preview-error').innerText()).toContain('HTTP 404')
    await app.screenshot('add-dialog-preview')

    // A name that is a path is refused before anything is added; a plain one is the file's name.
    await diskItem.getByTestId('preview-name').fill('../escape.img')
    expect(await diskItem.getByTestId('preview-name-error').innerText()).toContain('cannot contain /')
    await byId(page, 'add-submit').click()
    await expect.poll(() => byId(page, 'add-error').innerText()).toContain('cannot contain /')
    expect(app.core.store.transfers.count()).toBe(0)
    await diskItem.getByTestId('preview-name').fill('renamed disk.img')
    await byId(page, 'add-submit').click()
    await byId(page, 'add-dialog').waitFor({ state: 'hidden' })
    const id = await transferIdFor(app.core, disk)
    await expectRowState(page, id, 'completed')
    const saved = app.core.store.transfers.get(id)?.savedPath as string
    expect(saved).toBe(join(app.downloadDir, 'renamed disk.img'))
    expect(sha256(await readFile(saved))).toBe(sha256(body))
    await expect.poll(() => row(page, id).innerText()).toContain('renamed disk.img')
  }, 90_000)

  it('a URL already in the list is skipped by default, or downloaded again under the name shown', async () => {
    app = await openApp({ transport })
    const { page } = app
    const url = plain.url('/dup.bin')
    await app.core.add([url])
    const first = await transferIdFor(app.core, url)
    await expectRowState(page, first, 'completed')

    await openAddDialog(page, url)
    await byId(page, 'add-check').click()
    await waitForPreview(page, 1)
    const choice = await visible(previewFor(page, url).getByTestId('duplicate-choice'))
    expect(await choice.getAttribute('data-state')).toBe('completed')
    expect(await choice.getByTestId('duplicate-skip').isChecked()).toBe(true)
    // A finished download has nothing to resume, so that is not offered.
    expect(await choice.getByTestId('duplicate-resume').count()).toBe(0)
    expect(await choice.innerText()).toContain('Download again as dup (1).bin')
    await app.screenshot('add-dialog-duplicate')
    await byId(page, 'add-submit').click()
    await byId(page, 'add-dialog').waitFor({ state: 'hidden' })
    await expect.poll(() => byId(page, 'notice-area').innerText()).toContain('Skipped 1, already in the list')
    expect(app.core.store.transfers.count()).toBe(1)

    await openAddDialog(page, url)
    await byId(page, 'add-check').click()
    await waitForPreview(page, 1)
    await previewFor(page, url).getByTestId('duplicate-again').check()
    await byId(page, 'add-submit').click()
    await byId(page, 'add-dialog').waitFor({ state: 'hidden' })
    await expect.poll(() => app?.core.store.transfers.count()).toBe(2)
    const again = app.core.store.transfers.list().find((t) => t.id !== first)?.id as number
    await expectRowState(page, again, 'completed')
    expect(app.core.store.transfers.get(again)?.savedPath).toBe(join(app.downloadDir, 'dup (1).bin'))
    expect(await row(page, again).innerText()).toContain('dup (1).bin')
  }, 90_000)

  it('an unfinished one can be resumed instead of added twice', async () => {
    app = await openApp({ transport })
    const { page } = app
    const url = plain.url('/paused.bin')
    await app.core.ipc.dispatcher.handle('transfers:add', { urls: [url], options: { startPaused: true } }, app.pageUrl)
    const id = await transferIdFor(app.core, url)
    await expectRowState(page, id, 'paused')

    await openAddDialog(page, url)
    await byId(page, 'add-check').click()
    await waitForPreview(page, 1)
    const choice = await visible(previewFor(page, url).getByTestId('duplicate-choice'))
    expect(await choice.getAttribute('data-state')).toBe('paused')
    await choice.getByTestId('duplicate-resume').check()
    await byId(page, 'add-submit').click()
    await byId(page, 'add-dialog').waitFor({ state: 'hidden' })
    await expectRowState(page, id, 'completed')
    expect(app.core.store.transfers.count()).toBe(1)
  }, 60_000)

  it('a file saved under another name because its own was taken shows that name in its row', async () => {
    app = await openApp({ transport })
    const { page } = app
    await writeFile(join(app.downloadDir, 'clash.bin'), 'already here')
    const url = plain.url('/clash.bin')
    await openAddDialog(page, url)
    await byId(page, 'add-submit').click()
    await byId(page, 'add-dialog').waitFor({ state: 'hidden' })
    const id = await transferIdFor(app.core, url)
    await expectRowState(page, id, 'completed')
    expect(app.core.store.transfers.get(id)?.savedPath).toBe(join(app.downloadDir, 'clash (1).bin'))
    await expect.poll(() => row(page, id).innerText()).toContain('clash (1).bin')
  }, 60_000)

  it('the folder list names each folder once, and Sub-folder is usable for the default folder', async () => {
    app = await openApp({ transport })
    const { page } = app
    await openAddDialog(page, plain.url('/dup.bin'))
    if (transport === 'bridge') {
      // The app's own dialog picks folders; the label names the default folder once.
      expect(await byId(page, 'folder-label').innerText()).toBe(`${app.downloadDir} (default)`)
      expect(await byId(page, 'folder-root').count()).toBe(0)
      return
    }
    const options = await byId(page, 'folder-root').locator('option').allInnerTexts()
    expect(options).toEqual([`${app.downloadDir} (default)`, app.pickedDir])
    expect(await byId(page, 'folder-sub').isDisabled()).toBe(false)
    await byId(page, 'folder-sub').fill('sub/dir')
    await app.screenshot('add-dialog-folders')
    await byId(page, 'add-submit').click()
    await byId(page, 'add-dialog').waitFor({ state: 'hidden' })
    const id = await transferIdFor(app.core, plain.url('/dup.bin'))
    await expectRowState(page, id, 'completed')
    expect(app.core.store.transfers.get(id)?.savedPath).toBe(join(app.downloadDir, 'sub', 'dir', 'dup.bin'))
  }, 60_000)
})
