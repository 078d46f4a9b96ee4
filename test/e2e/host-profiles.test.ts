import { execFile } from 'node:child_process'
import { readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { promisify } from 'node:util'

import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'

import { exportProfile } from '../../electron/ipc/host-profiles.ts'
import { parsePublicKey } from '../../electron/signatures/minisign.ts'
import { joinSignedProfile } from '../../electron/signatures/signed-profile.ts'
import { openStore } from '../../electron/store/open-store.ts'
import { HostRule, type HostRuleInput } from '../../shared/domain.ts'
import { makePlainKey } from '../fixtures/minisign-keys.ts'
import { makeTempDir, removeTempDir } from '../fixtures/temp-dir.ts'
import { closeApp, openApp, transports, type App } from './harness/open-app.ts'
import { byId, dropOnWindow, visible } from './harness/ui.ts'

const run = promisify(execFile)

// An administrator's profiles, made as the README says (export, then `minisign -S` with the real tool), imported
// in the Hosts view of the real app by picking the two files and by dropping the one-file form.
let dir: string
let keyId: string
let app: App | undefined

/** Export these rules as profile `version` from an admin state folder and sign it with minisign. */
async function adminProfile(version: number, rules: HostRuleInput[]) {
  const state = join(dir, `admin-${version}`)
  const store = openStore({ dir: state })
  try {
    for (const r of rules) store.hostRules.upsert(HostRule.parse(r))
    const publicKey = parsePublicKey(await readFile(join(dir, 'admin.pub'), 'utf8'))
    const { text } = exportProfile(store, { name: 'team', version, now: Date.UTC(2026, 11, 6), publicKey })
    const file = join(dir, `team-${version}.pinpoint-profile.json`)
    await writeFile(file, text)
    await run('minisign', ['-S', '-s', join(dir, 'admin.key'), '-m', file])
    const signature = await readFile(`${file}.minisig`, 'utf8')
    return { json: text, signature, file }
  } finally {
    store.close()
  }
}

beforeAll(async () => {
  dir = await makeTempDir('profile-e2e')
  await makePlainKey(join(dir, 'admin.pub'), join(dir, 'admin.key'))
  keyId = parsePublicKey(await readFile(join(dir, 'admin.pub'), 'utf8')).id
}, 60_000)
afterAll(() => removeTempDir(dir))
afterEach(async () => {
  const closing = app
  app = undefined
  await closeApp(closing)
})

describe.each(transports)('host profiles in the Hosts view (%s)', (transport) => {
  it('imports a picked profile once its new key is confirmed, then shows a dropped update as a diff', async () => {
    const v1 = await adminProfile(1, [
      { pattern: 'mirror.example', addresses: ['127.0.0.1'] },
      { pattern: 'api.example', port: 8443, sni: 'origin.example' },
      { pattern: 'old.example', addresses: ['127.0.0.3'] },
    ])
    app = await openApp({ transport })
    const { page } = app
    await byId(page, 'tab-hosts').click()
    await byId(page, 'profile-file').setInputFiles([v1.file, `${v1.file}.minisig`])

    const dialog = await visible(byId(page, 'profile-dialog'))
    await expect.poll(() => byId(page, 'profile-key-id').textContent()).toBe(keyId)
    expect(await byId(page, 'profile-added').count()).toBe(3)
    expect(await byId(page, 'profile-apply').isDisabled()).toBe(true)
    await app.screenshot('host-profile-new-key')
    await dialog.locator('[data-testid="profile-trust"] input').check()
    await byId(page, 'profile-apply').click()
    await expect.poll(() => dialog.isVisible()).toBe(false)
    expect(app.core.store.hostRules.list().map((r) => r.pattern)).toEqual([
      'api.example',
      'mirror.example',
      'old.example',
    ])
    await expect.poll(() => byId(page, 'rule-origin').count()).toBe(3)

    // A local edit of one rule, then version 2 of the profile changes it too, changes another and drops a third.
    app.core.store.hostRules.upsert(HostRule.parse({ pattern: 'mirror.example', addresses: ['127.0.0.7'] }))
    const v2 = await adminProfile(2, [
      { pattern: 'mirror.example', addresses: ['127.0.0.2'] },
      { pattern: 'api.example', port: 8443, sni: 'edge.example' },
      { pattern: 'new.example', addresses: ['127.0.0.4'] },
    ])
    const dropped = await dropOnWindow(page, {
      file: {
        name: 'team-2.pinpoint-profile',
        type: '',
        text: joinSignedProfile(Buffer.from(v2.json), v2.signature).toString('utf8'),
      },
    })
    expect(dropped.dropPrevented).toBe(true)
    await visible(byId(page, 'profile-dialog'))
    await expect.poll(() => byId(page, 'profile-summary').textContent()).toContain('installed: version 1')
    expect(await byId(page, 'profile-trust').count()).toBe(0)
    expect(await byId(page, 'profile-added').getAttribute('data-key')).toBe('new.example:*')
    expect(await byId(page, 'profile-changed').getAttribute('data-key')).toBe('api.example:8443')
    expect(await byId(page, 'profile-removed').getAttribute('data-key')).toBe('old.example:*')
    expect(await byId(page, 'profile-conflict').getAttribute('data-key')).toBe('mirror.example:*')
    await app.screenshot('host-profile-diff')
    await byId(page, 'profile-apply').click()
    await expect.poll(() => byId(page, 'profile-dialog').isVisible()).toBe(false)

    const saved = Object.fromEntries(app.core.store.hostRules.list().map((r) => [r.pattern, r]))
    expect(Object.keys(saved).sort()).toEqual(['api.example', 'mirror.example', 'new.example'])
    expect(saved['mirror.example']?.addresses).toEqual(['127.0.0.7'])
    expect(saved['api.example']?.sni).toBe('edge.example')
    const mirrorTag = page.locator('[data-pattern="mirror.example"] [data-testid="rule-origin"]')
    await expect.poll(() => mirrorTag.textContent()).toBe('profile team v2 · changed locally')
    await app.screenshot('host-profile-origins')
    expect(app.pageErrors).toEqual([])
  }, 120_000)

  it('refuses a profile with a changed byte, saying why', async () => {
    const v1 = await adminProfile(1, [{ pattern: 'mirror.example', addresses: ['127.0.0.1'] }])
    app = await openApp({ transport })
    const { page } = app
    await byId(page, 'tab-hosts').click()
    const text = joinSignedProfile(
      Buffer.from(v1.json.toString('utf8').replace('127.0.0.1', '127.0.0.9')),
      v1.signature,
    )
    await byId(page, 'profile-file').setInputFiles([{ name: 'team.pinpoint-profile', mimeType: '', buffer: text }])
    const error = await visible(byId(page, 'profile-error'))
    expect(await error.getAttribute('data-code')).toBe('SIGNATURE_INVALID')
    expect(await byId(page, 'profile-apply').count()).toBe(0)
    expect(app.core.store.hostRules.list()).toEqual([])
  }, 60_000)
})
