import type { Page } from 'playwright-core'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'

import { HostRule, type HostRuleInput } from '../../shared/domain.ts'
import { startFaultServer, type FaultServer } from '../fixtures/fault-server.ts'
import { makePayload } from '../fixtures/payload.ts'
import { makePki, type Pki } from '../fixtures/pki.ts'
import { startTlsHttpServer, type RequestHandler, type TlsHttpServer } from '../fixtures/tls-http-server.ts'
import { openApp, type App, closeApp } from './harness/open-app.ts'
import { byId, expectRowState, row, transferIdFor, visible } from './harness/ui.ts'

// Every row shows its own connection without being selected, and rows of the queue can be put in another order
// by dragging them or from the keyboard; in both cases the order shown is the one main reports back.
let pki: Pki
let tlsServer: TlsHttpServer
let server: FaultServer
let app: App | undefined
const body = makePayload(256 * 1024, 91)

const serveBody: RequestHandler = () => ({
  status: 200,
  headers: { 'content-type': 'application/octet-stream' },
  body,
})

beforeAll(async () => {
  pki = await makePki()
  tlsServer = await startTlsHttpServer({
    default: pki.defaultLeaf,
    sni: { 'a.test': pki.aTest, 'b.test': pki.bTest },
    handler: serveBody,
  })
  server = await startFaultServer()
}, 60_000)
afterAll(async () => {
  await tlsServer.close()
  await server.close()
})
afterEach(async () => {
  const closing = app
  app = undefined
  await closeApp(closing)
})

/** The ids of the rows on screen, top to bottom (the list is virtualized: rows are placed by transform). */
async function shownOrder(page: Page): Promise<number[]> {
  return (await page.evaluate(`[...document.querySelectorAll('[data-testid="transfer-row"]')]
    .map((el) => [Number(el.dataset.id), el.getBoundingClientRect().top])
    .sort((a, b) => a[1] - b[1])
    .map((pair) => pair[0])`)) as number[]
}

/** The queue order main holds: its views sorted by the position field it sends. */
function mainOrder(a: App): number[] {
  return a.core
    .transfers()
    .sort((x, y) => x.position - y.position || x.id - y.id)
    .map((v) => v.id)
}

async function expectOrder(a: App, order: number[]): Promise<void> {
  await expect.poll(() => mainOrder(a), { timeout: 10_000 }).toEqual(order)
  await expect.poll(() => shownOrder(a.page), { timeout: 10_000 }).toEqual(order)
}

describe('connection badge on every row', () => {
  it('shows address, SNI, TLS version and the pin result on each row, none of them selected', async () => {
    const rule = (r: HostRuleInput) => HostRule.parse({ addresses: ['127.0.0.1'], ca: pki.rootPem, ...r })
    app = await openApp({
      seed: (core) => {
        core.store.hostRules.upsert(rule({ pattern: 'one.test', sni: 'a.test', pins: [pki.aTest.pin] }))
        core.store.hostRules.upsert(rule({ pattern: 'two.test', sni: 'b.test' }))
        // b.test's key while the server presents a.test's: report mode lets it through and says so.
        core.store.hostRules.upsert(
          rule({ pattern: 'report.test', sni: 'a.test', pins: [pki.bTest.pin], pinMode: 'report' }),
        )
      },
    })
    const { page, core } = app
    const urls = ['one.test', 'two.test', 'report.test'].map((h) => tlsServer.url(`/${h}.bin`, h))
    // Added and started as the add dialog would, with nothing selected in the UI.
    expect((await core.add(urls)).added).toHaveLength(3)
    const [one, two, report] = (await Promise.all(urls.map((u) => transferIdFor(core, u)))) as [number, number, number]
    for (const id of [one, two, report]) await expectRowState(page, id, 'completed')

    expect(await page.locator('[data-testid="transfer-row"][aria-selected="true"]').count()).toBe(0)
    await visible(page.locator('[data-testid="details-pane"].empty'))

    const badge = (id: number) => row(page, id).getByTestId('connection-badge')
    await expect.poll(() => badge(one).innerText()).toBe('127.0.0.1 · a.test · TLSv1.3 · pin ✓')
    await expect.poll(() => badge(two).innerText()).toBe('127.0.0.1 · b.test · TLSv1.3')
    await expect.poll(() => badge(report).innerText()).toBe('127.0.0.1 · a.test · TLSv1.3 · pin ✗')
    expect(await badge(one).getAttribute('class')).not.toContain('warn')
    expect(await badge(two).getAttribute('class')).not.toContain('warn')
    expect(await badge(report).getAttribute('class')).toContain('warn')
    expect(await badge(report).getAttribute('data-pinned')).toBe('false')
    // What the rows show is what main holds for each transfer.
    const views = new Map(core.transfers().map((v) => [v.id, v]))
    expect(views.get(one)?.connection).toMatchObject({ servername: 'a.test', protocol: 'TLSv1.3', pinned: true })
    expect(views.get(two)?.connection).toMatchObject({ servername: 'b.test', verified: true })
    expect(views.get(two)?.connection).not.toHaveProperty('pinned')
    expect(views.get(report)?.connection).toMatchObject({ servername: 'a.test', pinned: false })
    await app.screenshot('row-badges')
  }, 60_000)
})

describe('the connection column tells the truth', () => {
  it('green when pinned and matched (self-signed too), no colour for plain HTTP, red when trust refused', async () => {
    const rule = (r: HostRuleInput) => HostRule.parse({ addresses: ['127.0.0.1'], ...r })
    const selfSigned = await startTlsHttpServer({ default: pki.selfSigned, handler: serveBody })
    try {
      app = await openApp({
        seed: (core) => {
          // The user's explicit trust of a key they checked: a self-signed server that no CA vouches for.
          core.store.hostRules.upsert(rule({ pattern: 'self.test', trust: 'pin', pins: [pki.selfSigned.pin] }))
          // A pin that is not the server's key, enforced: the connection is refused before any request.
          core.store.hostRules.upsert(rule({ pattern: 'a.test', ca: pki.rootPem, pins: [pki.bTest.pin] }))
        },
      })
      const { page, core } = app
      server.serve('/plain.bin', { body })
      const urls = [
        selfSigned.url('/self.bin', 'self.test'),
        server.url('/plain.bin'),
        tlsServer.url('/x.bin', 'a.test'),
      ]
      await core.add(urls)
      const [self, plain, refused] = (await Promise.all(urls.map((u) => transferIdFor(core, u)))) as [
        number,
        number,
        number,
      ]
      await expectRowState(page, self, 'completed')
      await expectRowState(page, plain, 'completed')
      await expectRowState(page, refused, 'failed')

      const badge = (id: number) => row(page, id).getByTestId('connection-badge')
      // Pinned and matched although the chain does not verify: trusted, and said so; never "not verified".
      await expect.poll(() => badge(self).getAttribute('data-trust')).toBe('ok')
      expect(await badge(self).innerText()).toBe('127.0.0.1 · self.test · TLSv1.3 · pin ✓')
      expect(await badge(self).getAttribute('title')).toMatch(/^Trusted by pinned key \(self-signed\)/)
      expect(await badge(self).getAttribute('title')).not.toMatch(/not verified|verified: no/i)
      expect(await badge(self).getAttribute('class')).not.toMatch(/(^| )(warn|trust-warn|trust-bad)( |$)/)
      // Plain HTTP is a quiet fact, not an alarm.
      expect(await badge(plain).getAttribute('data-trust')).toBe('plain')
      expect(await badge(plain).innerText()).toBe('127.0.0.1 · not encrypted')
      expect(await badge(plain).getAttribute('class')).not.toMatch(/(^| )(warn|trust-warn|trust-bad)( |$)/)
      // Red is for a refusal only.
      await expect.poll(() => badge(refused).getAttribute('data-trust')).toBe('bad')
      expect(await badge(refused).innerText()).toBe('pinned key did not match')
      // The colours come from the verdict: green for trusted, red for refused, and plain HTTP in neither.
      const colour = (id: number) =>
        badge(id).evaluate((el) => el.ownerDocument.defaultView?.getComputedStyle(el).color)
      const ok = await cssColour(page, 'var(--ok)')
      const bad = await cssColour(page, 'var(--bad)')
      expect(await colour(self)).toBe(ok)
      expect(await colour(refused)).toBe(bad)
      expect([ok, bad]).not.toContain(await colour(plain))
      await app.screenshot('row-trust')
    } finally {
      await selfSigned.close()
    }
  }, 60_000)
})

/** A CSS colour as the browser computes it (`rgb(…)`), to compare with computed styles. */
async function cssColour(page: Page, value: string): Promise<string> {
  return (await page.evaluate(`(() => {
    const el = document.createElement('span')
    el.style.color = ${JSON.stringify(value)}
    document.body.append(el)
    const c = getComputedStyle(el).color
    el.remove()
    return c
  })()`)) as string
}

describe('reordering the queue', () => {
  /** One running download (throttled, so it keeps running) and three that wait behind it with maxActive 1. */
  async function openQueued(): Promise<{ a: App; running: number; queued: [number, number, number] }> {
    server.serve('/running.bin', { body: makePayload(4 * 1024 * 1024, 92), faults: { rateBytesPerSec: 16 * 1024 } })
    for (const n of [1, 2, 3]) server.serve(`/q${n}.bin`, { body })
    const urls = ['/running.bin', '/q1.bin', '/q2.bin', '/q3.bin'].map((p) => server.url(p))
    const a = await openApp({
      seed: async (core) => {
        core.ipc.settings.update({ maxActive: 1 })
        await core.add(urls)
      },
    })
    const ids = await Promise.all(urls.map((u) => transferIdFor(a.core, u)))
    const [running, ...queued] = ids as [number, number, number, number]
    await expectRowState(a.page, running, 'downloading')
    for (const id of queued) await expectRowState(a.page, id, 'queued')
    await expectOrder(a, ids)
    return { a, running, queued: queued as [number, number, number] }
  }

  it('dragging the last queued row above the first moves it there, as main reports back', async () => {
    const { a, running, queued } = await openQueued()
    app = a
    const { page } = a
    const [q1, q2, q3] = queued
    // Only waiting rows can be picked up; the running one cannot.
    expect(await row(page, running).getAttribute('draggable')).toBe('false')
    expect(await row(page, q3).getAttribute('draggable')).toBe('true')

    // A real drag with the mouse: onto the upper half of q1's row, i.e. before it.
    await row(page, q3).dragTo(row(page, q1), { targetPosition: { x: 60, y: 6 } })
    await expectOrder(a, [running, q3, q1, q2])
    expect(a.core.transfers().every((v) => v.id === running || v.state === 'queued')).toBe(true)

    // The same with a DataTransfer made in the page, to look at the window while the row is over the list:
    // the link drop overlay stays away, and the drop adds nothing.
    const seen = await dragInPage(page, q2, q3, 'before')
    expect(seen).toEqual({ carried: [q2], dragoverPrevented: true, overlayShown: false })
    await expectOrder(a, [running, q2, q3, q1])
    expect(await byId(page, 'add-dialog').count()).toBe(0)
    expect(a.core.transfers()).toHaveLength(4)
  }, 60_000)

  it('moves the selection with Alt+Arrow keys and the toolbar buttons', async () => {
    const { a, running, queued } = await openQueued()
    app = a
    const { page } = a
    const [q1, q2, q3] = queued
    await row(page, q3).click()
    await byId(page, 'transfer-list').focus()
    await page.keyboard.press('Alt+ArrowUp')
    await expectOrder(a, [running, q1, q3, q2])
    await page.keyboard.press('Alt+ArrowUp')
    await expectOrder(a, [running, q3, q1, q2])
    await page.keyboard.press('Alt+ArrowDown')
    await expectOrder(a, [running, q1, q3, q2])
    // The selection stays on the moved row, and plain arrows still move the selection, not the row.
    expect(await row(page, q3).getAttribute('aria-selected')).toBe('true')
    await page.keyboard.press('ArrowDown')
    await expect.poll(() => row(page, q2).getAttribute('aria-selected')).toBe('true')
    expect(mainOrder(a)).toEqual([running, q1, q3, q2])

    // The toolbar's buttons are found by their accessible names.
    await page.getByRole('button', { name: 'Move to top of queue' }).click()
    await expectOrder(a, [q2, running, q1, q3])
    await page.getByRole('button', { name: 'Move down in queue' }).click()
    await expectOrder(a, [running, q2, q1, q3])
  }, 60_000)
})

/**
 * Drag row `from` onto row `to` with events dispatched in the page: dragstart (the row fills the DataTransfer as
 * for a real drag), dragenter and dragover on the target's upper or lower quarter, then drop and dragend.
 */
async function dragInPage(
  page: Page,
  from: number,
  to: number,
  edge: 'before' | 'after',
): Promise<{ carried: number[]; dragoverPrevented: boolean; overlayShown: boolean }> {
  const fire = (type: string, id: number) =>
    page.evaluate(`(() => {
      const el = document.querySelector('[data-testid="transfer-row"][data-id="${id}"]')
      const box = el.getBoundingClientRect()
      const y = box.top + box.height * (${JSON.stringify(edge)} === 'before' ? 0.25 : 0.75)
      window.__e2eRowDrag ??= new DataTransfer()
      const e = new DragEvent(${JSON.stringify(type)}, {
        dataTransfer: window.__e2eRowDrag, bubbles: true, cancelable: true, composed: true,
        clientX: box.left + 60, clientY: y,
      })
      el.dispatchEvent(e)
      return e.defaultPrevented
    })()`) as Promise<boolean>
  await fire('dragstart', from)
  const carried = JSON.parse(
    (await page.evaluate(`window.__e2eRowDrag.getData('application/x-pinpoint-transfer-ids')`)) as string,
  ) as number[]
  await fire('dragenter', to)
  const dragoverPrevented = await fire('dragover', to)
  const overlayShown = await page.getByTestId('drop-overlay').isVisible()
  await fire('drop', to)
  await fire('dragend', from)
  await page.evaluate('delete window.__e2eRowDrag')
  return { carried, dragoverPrevented, overlayShown }
}
