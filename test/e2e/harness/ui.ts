import type { Locator, Page } from 'playwright-core'
import { expect } from 'vitest'

import type { Core } from '../../../electron/app-core.ts'
import type { TransferState } from '../../../shared/domain.ts'

/**
 * Small helpers over the renderer's data-testids, so each scenario reads as what a user does.
 *
 * playwright-core has no retrying `expect`, so waits are Vitest's `expect.poll` or a locator's `waitFor`.
 */

export const byId = (page: Page, testId: string): Locator => page.getByTestId(testId)

export function row(page: Page, id: number): Locator {
  return page.locator(`[data-testid="transfer-row"][data-id="${id}"]`)
}

/** Wait until the transfer's row shows `state` (its data-state attribute). */
export async function expectRowState(page: Page, id: number, state: TransferState, timeout = 30_000): Promise<void> {
  await expect
    .poll(
      () =>
        row(page, id)
          .getAttribute('data-state', { timeout: 1000 })
          .catch(() => null),
      { timeout },
    )
    .toBe(state)
}

/** Wait until the locator is visible. */
export async function visible(locator: Locator, timeout = 10_000): Promise<Locator> {
  await locator.first().waitFor({ state: 'visible', timeout })
  return locator
}

/** Open the add dialog, paste `text`, and return the dialog (not yet submitted). */
export async function openAddDialog(page: Page, text: string): Promise<Locator> {
  await byId(page, 'add-button').click()
  const dialog = await visible(byId(page, 'add-dialog'))
  await byId(page, 'add-urls').fill(text)
  return dialog
}

/** The id of the transfer whose URL is `url`, once the core has it (the store is the truth the rows show). */
export async function transferIdFor(core: Core, url: string, timeout = 15_000): Promise<number> {
  let id: number | undefined
  await expect.poll(() => (id = core.store.transfers.list().find((t) => t.url === url)?.id), { timeout }).toBeDefined()
  return id as number
}

/** Drag-and-drop payloads, built in the page as the OS would hand them to Chromium. */
export type DropPayload = { uriList: string } | { file: { name: string; type: string; text: string } }

/**
 * Dispatch dragenter, dragover and drop with a real DataTransfer at the middle of the window.
 *
 * Synthetic events never make Chromium navigate, so a missing `preventDefault` would not show as a navigation
 * here; what stops a real drop from replacing the page is the UI cancelling dragover and drop, so that is what
 * this reports for each event, along with whether the drop overlay was visible while dragging.
 */
export async function dropOnWindow(
  page: Page,
  payload: DropPayload,
): Promise<{ dragoverPrevented: boolean; dropPrevented: boolean; overlayShown: boolean }> {
  // Strings, so the test program needs no DOM types and the runner's transform cannot touch what runs in the page.
  await page.evaluate(`(() => {
    const payload = ${JSON.stringify(payload)}
    const dt = new DataTransfer()
    if (payload.uriList !== undefined) {
      dt.setData('text/uri-list', payload.uriList)
      dt.setData('text/plain', payload.uriList)
    } else {
      dt.items.add(new File([payload.file.text], payload.file.name, { type: payload.file.type }))
    }
    window.__e2eDrop = dt
  })()`)
  const fire = async (type: string): Promise<boolean> =>
    (await page.evaluate(`(() => {
      const e = new DragEvent(${JSON.stringify(type)}, {
        dataTransfer: window.__e2eDrop, bubbles: true, cancelable: true, composed: true,
        clientX: innerWidth / 2, clientY: innerHeight / 2,
      })
      ;(document.elementFromPoint(innerWidth / 2, innerHeight / 2) ?? document.body).dispatchEvent(e)
      return e.defaultPrevented
    })()`)) as boolean
  await fire('dragenter')
  const dragoverPrevented = await fire('dragover')
  const overlayShown = await page.getByTestId('drop-overlay').isVisible()
  const dropPrevented = await fire('drop')
  await page.evaluate('delete window.__e2eDrop')
  return { dragoverPrevented, dropPrevented, overlayShown }
}

/** Set a form control the way a user would, whether the UI made it a text field, a select or a checkbox. */
export async function setField(locator: Locator, value: string | boolean): Promise<void> {
  const kind = await locator.evaluate((el) => `${el.tagName.toLowerCase()}:${el.getAttribute('type') ?? ''}`)
  if (typeof value === 'boolean') await locator.setChecked(value)
  else if (kind.startsWith('select:')) await locator.selectOption(value)
  else await locator.fill(value)
}

/**
 * Under `pinpoint serve`, "show in folder" and "open" must not be offered, and the user must be told why:
 * either the button is disabled and carries the reason (its title), or using it shows the reason as a notice.
 */
export async function expectNotOffered(page: Page, testId: string, reason: string): Promise<void> {
  const button = byId(page, testId)
  if (await button.isDisabled()) {
    expect(await button.getAttribute('title')).toContain(reason)
    return
  }
  const before = await page.locator('.notice-text').count()
  await button.click()
  const notices = page.locator('.notice-text')
  await expect.poll(() => notices.count()).toBeGreaterThan(before)
  expect(await notices.last().innerText()).toContain(reason)
}
