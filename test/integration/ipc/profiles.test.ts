import { execFile } from 'node:child_process'
import { readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { promisify } from 'node:util'

import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'

import { parsePublicKey } from '../../../electron/signatures/minisign.ts'
import { makePlainKey } from '../../fixtures/minisign-keys.ts'
import { makeTempDir, removeTempDir } from '../../fixtures/temp-dir.ts'
import { makeIpcHarness, type IpcHarness } from './ipc-harness.ts'

const run = promisify(execFile)

describe('host profiles over IPC (the Hosts view)', () => {
  let dir: string
  let keyId: string
  let publicKey: string
  const harnesses: IpcHarness[] = []
  const harness = async () => {
    const h = await makeIpcHarness()
    harnesses.push(h)
    return h
  }

  beforeAll(async () => {
    dir = await makeTempDir('profile-ipc')
    await makePlainKey(join(dir, 'admin.pub'), join(dir, 'admin.key'))
    publicKey = await readFile(join(dir, 'admin.pub'), 'utf8')
    keyId = parsePublicKey(publicKey).id
  })
  afterEach(async () => {
    for (const h of harnesses.splice(0)) await h.close()
  })
  afterAll(() => removeTempDir(dir))

  /** The admin's export from the Hosts view, signed outside the app with the command it shows. */
  async function signedExport(admin: IpcHarness, version?: number) {
    const out = await admin.api.invoke('profiles:export', { name: 'team', publicKey, ...(version ? { version } : {}) })
    if (!out.ok) throw new Error(out.error.message)
    expect(out.command).toBe(`minisign -S -s <your minisign secret key> -m ${out.fileName}`)
    await writeFile(join(dir, out.fileName), out.text)
    await run('minisign', ['-S', '-s', 'admin.key', '-m', out.fileName], { cwd: dir })
    return { text: out.text, signature: await readFile(join(dir, `${out.fileName}.minisig`), 'utf8') }
  }

  it('previews, asks for the new key, imports, and then marks the rules and their local edits', async () => {
    const admin = await harness()
    await admin.api.invoke('hosts:upsert', { rule: { pattern: 'mirror.example', addresses: ['127.0.0.1'] } })
    await admin.api.invoke('hosts:upsert', { rule: { pattern: 'api.example', port: 8443, sni: 'origin.example' } })
    const file = await signedExport(admin)

    const member = await harness()
    const preview = await member.api.invoke('profiles:preview', file)
    expect(preview).toMatchObject({
      ok: true,
      name: 'team',
      version: 1,
      keyId,
      keyTrusted: false,
      installedVersion: null,
    })
    if (!preview.ok) return
    expect(preview.diff.added.map((r) => r.pattern).sort()).toEqual(['api.example', 'mirror.example'])
    expect(await member.api.invoke('hosts:list', {})).toEqual([])

    const unconfirmed = await member.api.invoke('profiles:import', file)
    expect(unconfirmed).toMatchObject({ ok: false, error: { code: 'SIGNATURE_KEY_UNKNOWN' } })
    expect(!unconfirmed.ok && unconfirmed.error.message).toContain(keyId)
    expect(await member.api.invoke('hosts:list', {})).toEqual([])

    const done = await member.api.invoke('profiles:import', { ...file, trustKey: keyId })
    expect(done).toMatchObject({ ok: true, keyTrusted: true, version: 1 })
    const rules = await member.api.invoke('hosts:list', {})
    expect(rules).toEqual(await admin.api.invoke('hosts:list', {}))
    expect(member.emitted.some((e) => e.channel === 'hosts:changed')).toBe(true)

    await member.api.invoke('hosts:upsert', { rule: { pattern: 'mirror.example', addresses: ['127.0.0.5'] } })
    const origins = await member.api.invoke('profiles:origins', {})
    expect(origins.sort((a, b) => a.pattern.localeCompare(b.pattern))).toEqual([
      { pattern: 'api.example', port: 8443, profile: 'team', version: 1, changedLocally: false },
      { pattern: 'mirror.example', profile: 'team', version: 1, changedLocally: true },
    ])
  })

  it('answers a changed byte, an older version and a bad key as refusals with their codes', async () => {
    const admin = await harness()
    await admin.api.invoke('hosts:upsert', { rule: { pattern: 'mirror.example', addresses: ['127.0.0.1'] } })
    const v3 = await signedExport(admin, 3)
    const member = await harness()
    const tampered = { ...v3, text: v3.text.replace('127.0.0.1', '127.0.0.2') }
    expect(await member.api.invoke('profiles:preview', tampered)).toMatchObject({
      ok: false,
      error: { code: 'SIGNATURE_INVALID' },
    })
    expect(await member.api.invoke('profiles:import', { ...v3, trustKey: keyId })).toMatchObject({ ok: true })
    const v2 = await signedExport(admin, 2)
    expect(await member.api.invoke('profiles:preview', v2)).toMatchObject({
      ok: false,
      error: { code: 'PROFILE_OLDER' },
    })
    expect(await admin.api.invoke('profiles:export', { name: 'team', publicKey: 'not a key' })).toMatchObject({
      ok: false,
      error: { code: 'BAD_INPUT' },
    })
  })
})
