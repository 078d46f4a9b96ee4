import type { Locator, Page } from 'playwright-core'

import { byId, visible } from './ui.ts'

/** The details pane, once it shows the focused transfer. */
export async function detailsOf(page: Page): Promise<Locator> {
  return visible(byId(page, 'details-pane'))
}

/** Open every connection group of the history (they start folded). */
export async function expandGroups(details: Locator): Promise<void> {
  const groups = details.getByTestId('connection-group')
  for (let i = 0; i < (await groups.count()); i++) {
    const group = groups.nth(i)
    if ((await group.getAttribute('open')) === null) await group.locator('summary').first().click()
  }
}

/** The colour the element is painted with, as the browser computed it. */
export function colourOf(locator: Locator): Promise<string> {
  // A string, so the test program needs no DOM types (as ui.ts does).
  return locator.evaluate(new Function('el', 'return getComputedStyle(el).color') as (el: unknown) => string)
}

/** A CSS custom property of the page (`--ok`, `--bad`…), as a computed colour to compare with `colourOf`. */
export function pageColour(page: Page, property: string): Promise<string> {
  return page.evaluate(`(() => {
    const probe = document.createElement('span')
    probe.style.color = 'var(${property})'
    document.body.append(probe)
    const colour = getComputedStyle(probe).color
    probe.remove()
    return colour
  })()`) as Promise<string>
}
