import { readFile } from 'node:fs/promises'
import { join } from 'node:path'

import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'

import { startAuthNginx, type AuthNginx } from '../fixtures/nginx-auth.ts'
import { closeApp, openApp, transports, type App } from './harness/open-app.ts'
import { fillHostRule, hostRow } from './harness/hosts-ui.ts'
import { byId, expectRowState, openAddDialog, transferIdFor, visible } from './harness/ui.ts'

// Extra headers and cookies typed in the window reach the server, and the window never gets a value back: the
// status channels (`hosts:credentials`, `transfers:credentials`), asked from the page as the UI asks them,
// answer header names and a cookie count, and nothing in the page holds what was typed.
const TOKEN = 'e2e-x-token-7f3a'
const SESSION = 'e2e-session-91bc'
const PLAIN = 'e2e-plain-4d2e'
const BODY = Buffer.from(Buffer.alloc(256 * 1024 + 3, 0).map((_, i) => (i * 7) % 251))

let nginx: AuthNginx
let app: App | undefined
beforeAll(async () => {
  nginx = await startAuthNginx({
    file: BODY,
    user: 'unused',
    password: 'unused-password',
    realm: 'unused',
    token: TOKEN,
    session: SESSION,
    bearer: 'unused-bearer',
  })
})
afterAll(async () => {
  await nginx?.stop()
})
afterEach(async () => {
  const closing = app
  app = undefined
  await closeApp(closing)
})

/**
 * What the page is told about secrets, seen as it arrives there. Under the bridge the page's own `window.api`
 * asks the status channel; under serve every WebSocket frame the page receives is kept (from a reload on, so
 * the listener sees the socket open), and the status answers are the replies shaped as a CredentialState.
 */
async function watchReplies(a: App): Promise<(channel: string, input: object) => Promise<string[]>> {
  if (a.transport === 'bridge') {
    return async (channel, input) => [
      JSON.stringify(await a.page.evaluate(`window.api.invoke(${JSON.stringify(channel)}, ${JSON.stringify(input)})`)),
    ]
  }
  const frames: string[] = []
  a.page.on('websocket', (ws) => ws.on('framereceived', (f) => void frames.push(String(f.payload))))
  await a.page.reload({ waitUntil: 'load' })
  return async () => {
    for (const secret of [TOKEN, SESSION, PLAIN]) expect(frames.join('\n')).not.toContain(secret)
    return frames
      .map((f) => JSON.parse(f) as { ok?: boolean; result?: unknown })
      .filter((m) => m.ok === true && typeof m.result === 'object' && m.result !== null && 'cookies' in m.result)
      .map((m) => JSON.stringify(m.result))
  }
}

async function typeInEditor(a: App, text: string): Promise<void> {
  const dialog = await visible(byId(a.page, 'header-cookie-dialog'))
  await dialog.getByTestId('header-cookie-text').fill(text)
  await dialog.getByTestId('header-cookie-save').click()
  await byId(a.page, 'header-cookie-dialog').waitFor({ state: 'detached' })
}

describe.each(transports)('headers and cookies (%s)', (transport) => {
  it("a host rule's header and cookie, set in the Hosts view, arrive with a download there and never come back", async () => {
    app = await openApp({ transport, viewport: { width: 1280, height: 900 } })
    const a = app
    const replies = await watchReplies(a)
    await fillHostRule(a, { pattern: '127.0.0.1', port: String(nginx.port) })
    await byId(a.page, 'host-save').click()
    await visible(hostRow(a, '127.0.0.1'))
    await hostRow(a, '127.0.0.1').click()
    const part = await visible(byId(a.page, 'host-credentials'))
    await expect.poll(() => part.getByTestId('host-extras-state').innerText()).toBe('no extra headers or cookies')

    // A reserved header is refused as it is typed, with the CLI's reason, and cannot be saved.
    await part.getByTestId('host-extras-headers-set').click()
    const dialog = await visible(byId(a.page, 'header-cookie-dialog'))
    await dialog.getByTestId('header-cookie-text').fill(`X-Token: ${TOKEN}\nHost: elsewhere.example`)
    await expect
      .poll(() => dialog.getByTestId('header-cookie-problem').innerText())
      .toMatch(/^line 2: "Host" cannot be set: /)
    expect(await dialog.getByTestId('header-cookie-save').isDisabled()).toBe(true)
    await dialog.getByTestId('header-cookie-text').fill(`X-Token: ${TOKEN}\nX-Plain: ${PLAIN}`)
    await dialog.getByTestId('header-cookie-save').click()
    await expect.poll(() => part.getByTestId('host-extras-state').innerText()).toBe('headers x-token, x-plain set')
    await part.getByTestId('host-extras-cookies-set').click()
    await typeInEditor(a, `session=${SESSION}`)
    await expect
      .poll(() => part.getByTestId('host-extras-state').innerText())
      .toBe('headers x-token, x-plain set; 1 cookie set')
    // The login line beside it does not say them again.
    expect(await part.getByTestId('host-credentials-state').innerText()).toBe('no user name or token')
    await part.scrollIntoViewIfNeeded()
    await a.screenshot('host-headers-cookies')

    const states = await replies('hosts:credentials', { pattern: '127.0.0.1', port: nginx.port })
    expect(states).toContain(JSON.stringify({ bearer: false, headers: ['x-token', 'x-plain'], cookies: 1 }))
    for (const secret of [TOKEN, SESSION, PLAIN]) {
      expect(states.join('\n')).not.toContain(secret)
      expect(await a.page.content()).not.toContain(secret)
    }

    const before = nginx.accessLog().length
    for (const path of ['/header/file.bin', '/cookie/file.bin']) {
      const result = await a.core.add([`${nginx.base}${path}`])
      const id = result.added[0]?.id as number
      await expect.poll(() => a.core.store.transfers.get(id)?.state, { timeout: 30_000 }).toBe('completed')
      const dir = a.core.store.transfers.get(id)?.dir ?? ''
      const name = a.core.store.transfers.get(id)?.name ?? ''
      expect(await readFile(join(dir, name))).toEqual(BODY)
    }
    const log = nginx.accessLog().slice(before)
    expect(log.length).toBeGreaterThan(0)
    for (const entry of log) {
      expect(entry).toMatchObject({ http_x_token: TOKEN, http_x_plain: PLAIN, http_cookie: `session=${SESSION}` })
    }

    // Clear takes them away: the next download there is refused by the server.
    await part.getByTestId('host-extras-headers-clear').click()
    await expect.poll(() => part.getByTestId('host-extras-state').innerText()).toBe('1 cookie set')
    const refused = await a.core.add([`${nginx.base}/header/file.bin?again`])
    const refusedId = refused.added[0]?.id as number
    await expect.poll(() => a.core.store.transfers.get(refusedId)?.state, { timeout: 30_000 }).toBe('failed')
    expect(a.pageErrors).toEqual([])
  }, 120_000)

  it("the add dialog's headers and cookies go with that download only, and its details name them once", async () => {
    app = await openApp({ transport, viewport: { width: 1280, height: 900 } })
    const a = app
    const replies = await watchReplies(a)
    const url = `${nginx.base}/header/file.bin`
    const dialog = await openAddDialog(a.page, url)
    await dialog.getByTestId('add-headers').fill('Connection: close')
    await expect.poll(() => dialog.getByTestId('add-headers-hint').innerText()).toMatch(/"Connection" cannot be set/)
    await dialog.getByTestId('add-headers').fill(`X-Token: ${TOKEN}`)
    await dialog.getByTestId('add-cookies').fill(`session=${SESSION}; lang=de`)
    expect(await dialog.getByTestId('add-headers-hint').innerText()).toBe('')
    await a.screenshot('add-headers-cookies')
    const before = nginx.accessLog().length
    await dialog.getByTestId('add-submit').click()
    const id = await transferIdFor(a.core, url)
    await expectRowState(a.page, id, 'completed')
    const log = nginx.accessLog().slice(before)
    expect(log.length).toBeGreaterThan(0)
    for (const entry of log)
      expect(entry).toMatchObject({ http_x_token: TOKEN, http_cookie: `session=${SESSION}; lang=de` })

    await a.page.locator(`[data-testid="transfer-row"][data-id="${id}"]`).click()
    await expect.poll(() => byId(a.page, 'transfer-extras-state').innerText()).toBe('header x-token set; 2 cookies set')
    expect(await byId(a.page, 'credentials-state').innerText()).toBe('no user name or token')
    const states = await replies('transfers:credentials', { id })
    expect(states).toContain(JSON.stringify({ bearer: false, headers: ['x-token'], cookies: 2 }))
    for (const secret of [TOKEN, SESSION]) expect(states.join('\n')).not.toContain(secret)
    for (const secret of [TOKEN, SESSION]) expect(await a.page.content()).not.toContain(secret)
    expect(a.pageErrors).toEqual([])
  }, 120_000)
})
