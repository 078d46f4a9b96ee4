import { execFile } from 'node:child_process'
import { readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { promisify } from 'node:util'

import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'

import { startNginx, type NginxServer } from '../fixtures/nginx.ts'
import { makePayload } from '../fixtures/payload.ts'
import { makeTempDir, removeTempDir } from '../fixtures/temp-dir.ts'
import { closeApp, openApp, type App } from './harness/open-app.ts'
import { colourOf, detailsOf, pageColour } from './harness/details.ts'
import { byId, expectRowState, openAddDialog, row, setField, transferIdFor, visible } from './harness/ui.ts'

const run = promisify(execFile)

// The signature state a user sees: a download added with a signature URL and a publisher key (minisign's own,
// made by Debian's minisign) shows "signed by <key id>" in green on its row once verified, and the signer, the
// algorithm and the trusted comment in its details; one whose bytes differ from what was signed fails, in red.
let nginx: NginxServer
let keys: string
let app: App | undefined
let keyLine = ''
let keyId = ''
const payload = makePayload(512 * 1024, 23)

beforeAll(async () => {
  keys = await makeTempDir('sig-e2e')
  await writeFile(join(keys, 'app.tar'), payload)
  await run('minisign', ['-G', '-W', '-p', join(keys, 'k.pub'), '-s', join(keys, 'k.key')])
  await run('minisign', [
    '-S',
    '-s',
    join(keys, 'k.key'),
    '-m',
    join(keys, 'app.tar'),
    '-t',
    'app 2.0, reproducible build',
  ])
  const pub = (await readFile(join(keys, 'k.pub'), 'utf8')).split('\n')
  keyLine = pub[1] ?? ''
  keyId = (/minisign public key ([0-9A-F]{1,16})\b/.exec(pub[0] ?? '')?.[1] ?? '').padStart(16, '0')
  const signature = await readFile(join(keys, 'app.tar.minisig'))
  nginx = await startNginx({
    files: {
      'app.tar': payload,
      'app.tar.minisig': signature,
      'changed.tar': Buffer.from(payload).fill(1, 10, 11),
      'changed.tar.minisig': signature,
    },
  })
}, 60_000)
afterAll(async () => {
  await nginx?.stop()
  await removeTempDir(keys)
})
afterEach(async () => {
  const closing = app
  app = undefined
  await closeApp(closing)
})

describe('signature state on the row and in the details', () => {
  it('adds with a signature and key; green "signed by" when verified, red when the bytes differ', async () => {
    app = await openApp()
    const { page, core } = app
    const base = `http://127.0.0.1:${nginx.port}`
    for (const name of ['app.tar', 'changed.tar']) {
      await openAddDialog(page, `${base}/${name}`)
      await setField(byId(page, 'add-signature'), `${base}/${name}.minisig`)
      await setField(byId(page, 'add-pubkey'), keyLine)
      await byId(page, 'add-submit').click()
      await byId(page, 'add-dialog').waitFor({ state: 'hidden' })
    }
    const good = await transferIdFor(core, `${base}/app.tar`)
    const bad = await transferIdFor(core, `${base}/changed.tar`)
    await expectRowState(page, good, 'completed')
    await expectRowState(page, bad, 'failed')

    const goodBadge = await visible(row(page, good).getByTestId('signature-badge'))
    expect(await goodBadge.innerText()).toBe(`signed by ${keyId}`)
    expect(await colourOf(goodBadge)).toBe(await pageColour(page, '--ok'))
    const badBadge = await visible(row(page, bad).getByTestId('signature-badge'))
    expect(await badBadge.innerText()).toBe('signature failed')
    expect(await badBadge.getAttribute('data-status')).toBe('failed')
    expect(await colourOf(badBadge)).toBe(await pageColour(page, '--bad'))
    expect(core.store.transfers.get(bad)?.errorCode).toBe('SIGNATURE_INVALID')

    await row(page, good).click()
    const details = await detailsOf(page)
    const shown = await visible(details.getByTestId('signature-details'))
    const text = await shown.innerText()
    expect(text).toContain(keyId)
    expect(text).toContain('minisign ED')
    expect(text).toContain('app 2.0, reproducible build')
    expect(text).toContain('app.tar.minisig')
    await app.screenshot('signature-verified')

    await row(page, bad).click()
    await expect
      .poll(async () => (await details.getByTestId('signature-details').innerText()).includes('does not match'))
      .toBe(true)
    // A failure still names the key the signature claims to be by.
    expect(await details.getByTestId('signature-details').innerText()).toContain(keyId)
    await app.screenshot('signature-failed')
    expect(app.pageErrors).toEqual([])
  }, 90_000)

  it('refuses a publisher key with no signature to check, in the dialog', async () => {
    app = await openApp()
    const { page, core } = app
    await openAddDialog(page, `http://127.0.0.1:${nginx.port}/app.tar`)
    await setField(byId(page, 'add-pubkey'), keyLine)
    await byId(page, 'add-submit').click()
    await expect.poll(() => byId(page, 'add-error').innerText()).toContain('needs a signature')
    expect(core.store.transfers.count()).toBe(0)
  }, 60_000)
})
