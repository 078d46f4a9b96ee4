import type { Locator, Page } from 'playwright-core'
import { expect } from 'vitest'

import { byId } from './ui.ts'

/** The add dialog's preview of one URL. */
export function previewFor(page: Page, url: string): Locator {
  return page.locator(`[data-testid="add-preview"][data-url="${url}"]`)
}

/** Wait until the add dialog shows the preview of `count` URLs (main bounds each server's answer in time). */
export async function waitForPreview(page: Page, count: number): Promise<void> {
  await expect.poll(() => byId(page, 'add-preview').count(), { timeout: 30_000 }).toBe(count)
}
