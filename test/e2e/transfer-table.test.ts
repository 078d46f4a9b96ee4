import type { Page } from 'playwright-core'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'

import type { Core } from '../../electron/app-core.ts'
import { startFaultServer, type FaultServer } from '../fixtures/fault-server.ts'
import { makePayload } from '../fixtures/payload.ts'
import { openApp, closeApp, type App } from './harness/open-app.ts'
import { byId, openAddDialog, row, transferIdFor, visible } from './harness/ui.ts'

// The transfers as a dense table: its columns, file-type icons, rows named in words, a progress bar of its own
// width, sorting (stable, back to the queue order), resizing, choosing columns, all remembered across a reload;
// filter chips with counts, a status bar with totals, and menus whose invalid actions are disabled with a reason.
let app: App | undefined
let server: FaultServer
const MiB = 1024 * 1024

beforeAll(async () => {
  server = await startFaultServer()
})
afterAll(async () => {
  await server.close()
})
afterEach(async () => {
  const closing = app
  app = undefined
  await closeApp(closing)
})

interface Seeded {
  movie: number
  song: number
  backup: number
  report: number
  disk: number
  notes: number
}

/** Six transfers in every resting state, put straight into the store (nothing downloads). */
function seed(core: Core, out: Partial<Seeded>): void {
  const dir = core.ipc.settings.get().downloadDir
  const put = (name: string, patch: Parameters<Core['store']['transfers']['update']>[1]) => {
    const { id } = core.store.transfers.insert({ url: `http://127.0.0.1:9/${name}`, dir, name, state: 'paused' })
    core.store.transfers.update(id, patch)
    return id
  }
  const now = Date.now()
  out.movie = put('movie.mkv', { total: 700 * MiB })
  out.song = put('song.flac', { total: 30 * MiB, state: 'completed', completedAt: now, savedPath: `${dir}/song.flac` })
  out.backup = put('backup.tar.gz', { state: 'failed', errorCode: 'HTTP_STATUS', errorMessage: '404 Not Found' })
  out.report = put('report.pdf', { total: 2 * MiB, state: 'completed', completedAt: now, savedPath: `${dir}/r.pdf` })
  out.disk = put('disk.iso', { total: 4096 * MiB })
  out.notes = put('notes.xyz', { total: 30 * MiB })
}

/** The ids of the rows on screen, top to bottom (rows are placed by transform). */
async function shownOrder(page: Page): Promise<number[]> {
  return (await page.evaluate(`[...document.querySelectorAll('[data-testid="transfer-row"]')]
    .map((el) => [Number(el.dataset.id), el.getBoundingClientRect().top])
    .sort((a, b) => a[1] - b[1])
    .map((pair) => pair[0])`)) as number[]
}

const width = async (page: Page, testId: string): Promise<number> =>
  (await byId(page, testId).boundingBox())?.width ?? NaN

describe('the transfer table', () => {
  it('shows columns, icons and rows in words; sorts, resizes and chooses columns, and remembers them', async () => {
    const ids: Partial<Seeded> = {}
    app = await openApp({ seed: (core) => seed(core, ids), viewport: { width: 1920, height: 1080 } })
    const { page } = app
    const { movie, song, backup, report, disk, notes } = ids as Seeded
    const grid = page.getByRole('grid', { name: 'Downloads' })
    await visible(grid.getByRole('row', { name: /^song\.flac/ }))

    expect(await grid.getByRole('columnheader').allInnerTexts()).toEqual([
      'Name',
      'Size',
      'Progress',
      'Speed',
      'Time left',
      'State',
      'Connection',
      'Added',
      'Finished',
      'Priority',
      '⋮',
    ])
    const kinds = async (id: number) => row(page, id).locator('svg.file-icon').getAttribute('data-kind')
    expect(await Promise.all([movie, song, backup, report, disk, notes].map((id) => kinds(id)))).toEqual([
      'video',
      'audio',
      'archive',
      'document',
      'program',
      'other',
    ])

    // Rows read as words, never as byte counts.
    await visible(page.getByRole('row', { name: 'song.flac, 30 MiB, completed' }))
    await visible(page.getByRole('row', { name: 'movie.mkv, 0 bytes of 700 MiB, paused' }))
    await visible(page.getByRole('row', { name: 'backup.tar.gz, size unknown, failed: 404 Not Found' }))
    expect(await grid.getByRole('row').count()).toBe(7)
    // Compact by default: a line per transfer.
    expect((await row(page, song).boundingBox())?.height).toBe(28)

    // On a 1920 px screen the progress bar stays a bar, not a line across the window.
    const bar = await row(page, song).getByRole('progressbar').boundingBox()
    expect(bar?.width).toBeGreaterThan(20)
    expect(bar?.width).toBeLessThan(240)

    // Filter chips count what they would show; the status bar totals.
    const counts = { all: 6, active: 0, queued: 0, paused: 3, completed: 2, failed: 1 }
    for (const [filter, n] of Object.entries(counts)) {
      expect(await byId(page, `filter-count-${filter}`).innerText()).toBe(String(n))
    }
    expect(await byId(page, 'status-bar').innerText()).toMatch(/0 active\s+0 queued\s+1 failed\s+0 B\/s/)
    await byId(page, 'filter-paused').click()
    await expect.poll(() => shownOrder(page)).toEqual([movie, disk, notes])
    await byId(page, 'filter-all').click()
    await app.screenshot('table-1920')

    // Sorting by size: ascending, descending, then the queue order again. Equal sizes (song, notes) keep their
    // queue order both ways, and an unknown size goes last both ways.
    const queue = [movie, song, backup, report, disk, notes]
    await expect.poll(() => shownOrder(page)).toEqual(queue)
    await byId(page, 'sort-size').click()
    await expect.poll(() => shownOrder(page)).toEqual([report, song, notes, movie, disk, backup])
    expect(await byId(page, 'column-size').getAttribute('aria-sort')).toBe('ascending')
    await byId(page, 'sort-size').click()
    await expect.poll(() => shownOrder(page)).toEqual([disk, movie, song, notes, report, backup])
    expect(await byId(page, 'column-size').getAttribute('aria-sort')).toBe('descending')
    // Sorted, the rows are not in queue order: moving them is disabled, and says why.
    await row(page, movie).click()
    expect(await byId(page, 'action-move-up').isDisabled()).toBe(true)
    expect(await byId(page, 'action-move-up').getAttribute('title')).toBe(
      'Sorted by Size: sort by queue order to move rows',
    )
    await byId(page, 'sort-size').click()
    await expect.poll(() => shownOrder(page)).toEqual(queue)
    expect(await byId(page, 'column-size').getAttribute('aria-sort')).toBeNull()
    await byId(page, 'sort-name').click()
    await expect.poll(() => shownOrder(page)).toEqual([backup, disk, movie, notes, report, song])

    // Resizing the name column with its grip.
    const before = await width(page, 'column-name')
    const grip = await byId(page, 'resize-name').boundingBox()
    if (grip === null) throw new Error('no grip')
    await page.mouse.move(grip.x + grip.width / 2, grip.y + grip.height / 2)
    await page.mouse.down()
    await page.mouse.move(grip.x + grip.width / 2 + 60, grip.y + grip.height / 2, { steps: 4 })
    await page.mouse.up()
    await expect.poll(() => width(page, 'column-name')).toBeCloseTo(before + 60, -1)
    const resized = await width(page, 'column-name')
    // Each row's cell follows its header.
    expect((await row(page, song).locator('.cell-name').boundingBox())?.width).toBeCloseTo(resized, 0)

    // The header menu chooses the columns shown.
    await byId(page, 'columns-menu-button').click()
    const menu = await visible(page.getByRole('menu', { name: 'Columns' }))
    expect(await menu.getByRole('menuitemcheckbox', { name: 'Connection' }).getAttribute('aria-checked')).toBe('true')
    await menu.getByRole('menuitemcheckbox', { name: 'Connection' }).click()
    await expect.poll(() => grid.getByRole('columnheader', { name: 'Connection' }).count()).toBe(0)
    expect(await row(page, song).locator('.cell-connection').count()).toBe(0)

    // All of it is remembered.
    await page.reload({ waitUntil: 'load' })
    await visible(page.getByRole('row', { name: /^song\.flac/ }))
    await expect.poll(() => shownOrder(page)).toEqual([backup, disk, movie, notes, report, song])
    expect(await byId(page, 'column-name').getAttribute('aria-sort')).toBe('ascending')
    expect(await width(page, 'column-name')).toBeCloseTo(resized, 0)
    expect(await grid.getByRole('columnheader', { name: 'Connection' }).count()).toBe(0)

    // The menu puts the column back in its place.
    await byId(page, 'columns-menu-button').click()
    await page.getByRole('menuitemcheckbox', { name: 'Connection' }).click()
    await expect.poll(() => grid.getByRole('columnheader').allInnerTexts()).toContain('Connection')
    const headers = await grid.getByRole('columnheader').allInnerTexts()
    expect(headers.indexOf('Connection')).toBe(headers.indexOf('State') + 1)
  }, 60_000)

  it('lists every action for the selection in a menu, and disables the invalid ones with the reason', async () => {
    const ids: Partial<Seeded> = {}
    app = await openApp({ seed: (core) => seed(core, ids) })
    const { page } = app
    const { song, movie, backup } = ids as Seeded
    await visible(row(page, song))

    // A completed row: pause does not apply, and both the toolbar and the menu say why.
    await row(page, song).click({ button: 'right' })
    const menu = await visible(page.getByRole('menu', { name: /^Actions for the selected download/ }))
    const items = await menu.getByRole('menuitem').allInnerTexts()
    expect(items.map((t) => t.split('\n')[0]?.trim())).toEqual([
      'Pause',
      'Resume',
      'Start now anyway',
      'Retry',
      'Cancel',
      'Open',
      'Show in folder',
      'Copy link',
      'Move to top of queue',
      'Move up in queue',
      'Move down in queue',
      'Remove…',
      'Refresh link…',
      'Download in background',
      'Download at normal priority',
    ])
    const pause = menu.getByRole('menuitem', { name: /^Pause/ })
    expect(await pause.getAttribute('aria-disabled')).toBe('true')
    expect(await pause.getAttribute('title')).toBe('Completed transfers cannot be paused')
    expect(await menu.getByRole('menuitem', { name: /^Open/ }).getAttribute('aria-disabled')).toBeNull()
    expect(await byId(page, 'action-pause').isDisabled()).toBe(true)
    expect(await byId(page, 'action-pause').getAttribute('title')).toBe('Completed transfers cannot be paused')
    expect(await byId(page, 'action-resume').getAttribute('title')).toBe('Completed transfers cannot be resumed')
    await app.screenshot('table-menu')
    // A disabled item does nothing when chosen.
    await pause.click({ force: true })
    expect(await row(page, song).getAttribute('data-state')).toBe('completed')
    await page.keyboard.press('Escape')
    await expect.poll(() => page.getByRole('menu').count()).toBe(0)

    // Right-clicking outside the selection acts on that row; the menu follows its state.
    await row(page, backup).click({ button: 'right' })
    await visible(page.getByRole('menu'))
    expect(await row(page, backup).getAttribute('aria-selected')).toBe('true')
    expect(await page.getByRole('menuitem', { name: /^Retry/ }).getAttribute('aria-disabled')).toBeNull()
    expect(await page.getByRole('menuitem', { name: /^Open/ }).getAttribute('title')).toBe(
      'Only a completed download can be opened',
    )
    await page.keyboard.press('Escape')

    // From the keyboard: Shift+F10 opens it on the focused row, arrows walk it, Enter chooses, focus comes back.
    await row(page, movie).click()
    await page.keyboard.press('Shift+F10')
    await visible(page.getByRole('menu'))
    expect(await page.evaluate('document.activeElement.textContent')).toContain('Pause')
    await page.keyboard.press('ArrowDown')
    expect(await page.evaluate('document.activeElement.textContent')).toContain('Resume')
    await page.keyboard.press('Escape')
    await expect.poll(() => page.evaluate('document.activeElement.dataset.testid')).toBe('transfer-list')
    await page.keyboard.press('ContextMenu')
    await visible(page.getByRole('menu'))
    // Enter on a disabled item (Pause, on a paused row) does nothing; on Resume it resumes and closes the menu.
    await page.keyboard.press('Enter')
    expect(await page.getByRole('menu').count()).toBe(1)
    await page.keyboard.press('ArrowDown')
    await page.keyboard.press('Enter')
    await expect.poll(() => page.getByRole('menu').count()).toBe(0)
    await expect.poll(() => row(page, movie).getAttribute('data-state')).not.toBe('paused')
    await expect.poll(() => page.evaluate('document.activeElement.dataset.testid')).toBe('transfer-list')
  }, 60_000)

  it('after adding links, only the first new row is selected, and the table has the keyboard', async () => {
    server.serve('/first.bin', { body: makePayload(64 * 1024, 1) })
    server.serve('/second.bin', { body: makePayload(64 * 1024, 2) })
    app = await openApp()
    const { page, core } = app
    await openAddDialog(page, [server.url('/first.bin'), server.url('/second.bin')].join('\n'))
    await byId(page, 'add-submit').click()
    await byId(page, 'add-dialog').waitFor({ state: 'hidden' })
    const first = await transferIdFor(core, server.url('/first.bin'))
    const second = await transferIdFor(core, server.url('/second.bin'))
    await expect.poll(() => row(page, first).getAttribute('aria-selected')).toBe('true')
    expect(await row(page, second).getAttribute('aria-selected')).toBe('false')
    await expect.poll(() => page.evaluate('document.activeElement.dataset.testid')).toBe('transfer-list')
    await expect.poll(() => byId(page, 'transfer-list').getAttribute('aria-activedescendant')).toBe(`transfer-${first}`)
    // Esc selects none.
    await page.keyboard.press('Escape')
    await expect.poll(() => page.locator('[data-testid="transfer-row"][aria-selected="true"]').count()).toBe(0)
  }, 60_000)
})
