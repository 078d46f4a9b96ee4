import type { Locator } from 'playwright-core'
import { expect } from 'vitest'

import type { App } from './open-app.ts'
import { byId, setField, visible } from './ui.ts'

/** The fields of the host form a scenario fills in; those left out keep the form's defaults. */
export interface HostRuleFields {
  pattern: string
  port?: string
  addresses?: string
  sni?: string
  pins?: string
  mode?: 'enforce' | 'report'
  trust?: 'ca' | 'pin'
  ca?: string
}

/** Open the hosts tab and a new rule, and fill in the fields given (the rule is not saved). */
export async function fillHostRule(a: App, rule: HostRuleFields): Promise<void> {
  const { page } = a
  await byId(page, 'tab-hosts').click()
  await visible(byId(page, 'host-rules'))
  await byId(page, 'host-add').click()
  await setField(byId(page, 'host-pattern'), rule.pattern)
  if (rule.port !== undefined) await setField(byId(page, 'host-port'), rule.port)
  if (rule.addresses !== undefined) await setField(byId(page, 'host-addresses'), rule.addresses)
  if (rule.sni !== undefined) await setField(byId(page, 'host-sni'), rule.sni)
  if (rule.pins !== undefined) await setField(byId(page, 'host-pins'), rule.pins)
  if (rule.mode !== undefined) await setField(byId(page, 'host-mode'), rule.mode)
  if (rule.trust !== undefined) await setField(byId(page, 'host-trust'), rule.trust)
  if (rule.ca !== undefined) await setField(byId(page, 'host-ca'), rule.ca)
}

/** The row of the saved rule for `pattern` in the hosts table. */
export function hostRow(a: App, pattern: string): Locator {
  return a.page.locator(`[data-testid="host-rule"][data-pattern="${pattern}"]`)
}

/** Click Probe and wait for a result whose leaf pin is `leafPin`; returns the result panel. */
export async function probeUntilChain(a: App, leafPin: string): Promise<Locator> {
  await byId(a.page, 'host-probe').click()
  const result = await visible(byId(a.page, 'probe-result'), 20_000)
  await expect.poll(() => result.getByTestId('cert-chain').innerText(), { timeout: 20_000 }).toContain(leafPin)
  return result
}

/** A date as the hosts view shows when a pin was added: the local calendar day, YYYY-MM-DD. */
export function shownDate(ms: number): string {
  const d = new Date(ms)
  const pad = (n: number) => String(n).padStart(2, '0')
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`
}

/** Whether two boxes share any area (touching edges do not count). */
export function overlaps(
  a: { x: number; y: number; width: number; height: number },
  b: { x: number; y: number; width: number; height: number },
): boolean {
  return a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height
}
