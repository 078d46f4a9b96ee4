import { randomBytes } from 'node:crypto'
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'

import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'

import { startSignedNginx, type SignedNginx } from '../fixtures/nginx-signed.ts'
import { closeApp, openApp, transports, type App } from './harness/open-app.ts'
import { detailsOf } from './harness/details.ts'
import { byId, expectRowState, row, visible } from './harness/ui.ts'

// A download whose signed link stopped working mid-file: its details say the link was refused, "Refresh link…"
// (row menu or details) takes a new one, refuses a link to another file with the reason, and the download then
// finishes from where it was.
const SIZE = 1024 * 1024
const big = randomBytes(SIZE)
const other = randomBytes(SIZE)

let nginx: SignedNginx
let app: App | undefined
beforeAll(async () => {
  nginx = await startSignedNginx({ files: { 'big.bin': big, 'other.bin': other }, limitRate: '128k' })
})
afterAll(async () => {
  await nginx?.stop()
})
afterEach(async () => {
  const closing = app
  app = undefined
  await closeApp(closing)
})

describe.each(transports)('refresh link (%s)', (transport) => {
  it('a download failed with 403 takes a new link to the same file and finishes; another file is refused', async () => {
    app = await openApp({ transport })
    const a = app
    const result = await a.core.add([nginx.sign('big.bin')])
    const id = result.added[0]?.id as number
    await expect
      .poll(() => a.core.store.segments.durableBytes(id), { timeout: 20_000 })
      .toBeGreaterThanOrEqual(128 * 1024)
    await nginx.rotate()
    await expectRowState(a.page, id, 'failed')
    const durable = a.core.store.segments.durableBytes(id)

    await row(a.page, id).click()
    const details = await detailsOf(a.page)
    const offer = await visible(details.getByTestId('refresh-link-offer'))
    expect(await offer.innerText()).toContain('The server refused this link')

    await row(a.page, id).click({ button: 'right' })
    const menu = await visible(a.page.getByRole('menu', { name: 'Actions for the selected download' }))
    await menu.getByRole('menuitem', { name: /^Refresh link…/ }).click()
    const dialog = await visible(byId(a.page, 'refresh-link-dialog'))
    expect(await dialog.getByTestId('refresh-link-save').isDisabled()).toBe(true)
    await dialog.getByTestId('refresh-link-url').fill('ftp://example.test/big.bin')
    expect(await dialog.getByTestId('refresh-link-save').isDisabled()).toBe(true)
    await visible(dialog.getByTestId('refresh-link-invalid'))

    await dialog.getByTestId('refresh-link-url').fill(nginx.sign('other.bin'))
    await dialog.getByTestId('refresh-link-save').click()
    const refused = await visible(dialog.getByTestId('refresh-link-refused'))
    expect(await refused.innerText()).toContain('The new link is not the same file')
    expect(await refused.innerText()).toContain('other bytes')
    expect(a.core.store.transfers.get(id)?.state).toBe('failed')
    await a.screenshot('refresh-link-refused')

    const fresh = nginx.sign('big.bin')
    await dialog.getByTestId('refresh-link-url').fill(fresh)
    await a.screenshot('refresh-link-dialog')
    await dialog.getByTestId('refresh-link-save').click()
    await expect.poll(() => byId(a.page, 'refresh-link-dialog').count()).toBe(0)
    await expectRowState(a.page, id, 'paused')
    expect(a.core.store.transfers.get(id)?.url).toBe(fresh)
    expect(a.core.store.segments.durableBytes(id)).toBe(durable)

    // The details' own button opens the same dialog.
    await details.getByTestId('refresh-link-open').click()
    await visible(byId(a.page, 'refresh-link-dialog'))
    await byId(a.page, 'refresh-link-cancel').click()
    await expect.poll(() => byId(a.page, 'refresh-link-dialog').count()).toBe(0)

    await row(a.page, id).click({ button: 'right' })
    await a.page.getByRole('menuitem', { name: /^Resume/ }).click()
    await expectRowState(a.page, id, 'completed')
    const dir = a.core.store.transfers.get(id)?.dir ?? ''
    expect((await readFile(join(dir, 'big.bin'))).equals(big)).toBe(true)
    expect(a.pageErrors).toEqual([])
  }, 120_000)
})
