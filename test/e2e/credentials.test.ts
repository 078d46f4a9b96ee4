import { readFile } from 'node:fs/promises'
import { join } from 'node:path'

import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'

import { startAuthNginx, type AuthNginx } from '../fixtures/nginx-auth.ts'
import { closeApp, openApp, transports, type App } from './harness/open-app.ts'
import { byId, expectRowState, row, visible } from './harness/ui.ts'
import { detailsOf } from './harness/details.ts'
import { fillHostRule, hostRow } from './harness/hosts-ui.ts'

// A download whose server wants a login: it pauses with what the server asked for, the details offer a dialog
// for a user name and password (or a token), and it resumes with them; the page never holds the password.
const USER = 'alice'
const PASSWORD = 'E2e-pa55:word'
const BODY = Buffer.from(Buffer.alloc(2 * 1024 * 1024 + 9, 0).map((_, i) => (i * 13) % 241))

let nginx: AuthNginx
let app: App | undefined
beforeAll(async () => {
  nginx = await startAuthNginx({
    file: BODY,
    user: USER,
    password: PASSWORD,
    realm: 'Team files',
    token: 'unused',
    session: 'unused',
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

describe.each(transports)('credentials (%s)', (transport) => {
  it('a 401 pauses the download, the dialog takes a login, and it completes; the page never holds the password', async () => {
    app = await openApp({ transport })
    const a = app
    const result = await a.core.add([`${nginx.base}/basic/file.bin`])
    const id = result.added[0]?.id as number
    await expectRowState(a.page, id, 'paused')
    await row(a.page, id).click()
    const details = await detailsOf(a.page)
    const wanted = await visible(details.getByTestId('credentials-wanted'))
    expect(await wanted.innerText()).toContain('Basic realm "Team files"')
    expect(await details.getByTestId('credentials-state').innerText()).toBe('no credentials')
    await a.screenshot('credentials-wanted')

    await details.getByTestId('credentials-enter').click()
    const dialog = await visible(byId(a.page, 'credentials-dialog'))
    expect(await dialog.getByTestId('credentials-challenge').innerText()).toContain('Basic realm "Team files"')
    expect(await dialog.getByTestId('credentials-save').isDisabled()).toBe(true)
    await dialog.getByTestId('credentials-user').fill(USER)
    await dialog.getByTestId('credentials-password').fill(PASSWORD)
    await a.screenshot('credentials-dialog')
    await dialog.getByTestId('credentials-save').click()

    await expectRowState(a.page, id, 'completed')
    expect(await readFile(join(a.core.store.transfers.get(id)?.dir ?? '', 'file.bin'))).toEqual(BODY)
    await expect.poll(() => details.getByTestId('credentials-state').innerText()).toBe(`Basic, user ${USER}`)
    expect(await details.getByTestId('credentials-wanted').count()).toBe(0)
    await a.screenshot('credentials-set')
    // The password field is gone with the dialog; nothing in the page (text, attributes, values) holds it.
    expect(await a.page.content()).not.toContain(PASSWORD)

    await details.getByTestId('credentials-clear').click()
    await expect.poll(() => details.getByTestId('credentials-state').innerText()).toBe('no credentials')
    expect(a.core.store.secrets.getAll(id)).toBeUndefined()
    expect(a.pageErrors).toEqual([])
  }, 90_000)

  it("a host rule's login is set in its form, shown by user name only, and used by a download there", async () => {
    app = await openApp({ transport })
    const a = app
    await fillHostRule(a, { pattern: '127.0.0.1', port: String(nginx.port) })
    expect(await byId(a.page, 'host-credentials').count()).toBe(0)
    await byId(a.page, 'host-save').click()
    await visible(hostRow(a, '127.0.0.1'))
    await hostRow(a, '127.0.0.1').click()
    const part = await visible(byId(a.page, 'host-credentials'))
    await expect.poll(() => part.getByTestId('host-credentials-state').innerText()).toBe('no credentials')
    await part.getByTestId('host-credentials-set').click()
    const dialog = await visible(byId(a.page, 'credentials-dialog'))
    await dialog.getByTestId('credentials-user').fill(USER)
    await dialog.getByTestId('credentials-password').fill(PASSWORD)
    await dialog.getByTestId('credentials-save').click()
    await expect.poll(() => part.getByTestId('host-credentials-state').innerText()).toBe(`Basic, user ${USER}`)
    await a.screenshot('host-credentials')
    expect(await a.page.content()).not.toContain(PASSWORD)

    const result = await a.core.add([`${nginx.base}/basic/file.bin`])
    const id = result.added[0]?.id as number
    await expect.poll(() => a.core.store.transfers.get(id)?.state, { timeout: 30_000 }).toBe('completed')
    expect(a.pageErrors).toEqual([])
  }, 90_000)
})
