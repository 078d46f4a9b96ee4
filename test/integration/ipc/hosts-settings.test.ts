import { join } from 'node:path'
import { DatabaseSync } from 'node:sqlite'

import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'

import { DB_FILE } from '../../../electron/store/open-store.ts'
import { startFaultServer, type FaultServer } from '../../fixtures/fault-server.ts'
import { makeTempDir } from '../../fixtures/temp-dir.ts'
import { makeIpcHarness, type IpcHarness } from './ipc-harness.ts'

let server: FaultServer
let h: IpcHarness | undefined

beforeAll(async () => {
  server = await startFaultServer()
})
afterAll(async () => {
  await server.close()
})
afterEach(async () => {
  await h?.close()
  h = undefined
})

const PIN = `sha256//${Buffer.alloc(32, 7).toString('base64')}`

async function reopen(stateDir: string): Promise<IpcHarness> {
  await h?.close()
  h = await makeIpcHarness({ stateDir })
  return h
}

describe('hosts', () => {
  it('upsert, list and remove persist across a store reopen and announce hosts:changed', async () => {
    const stateDir = await makeTempDir('ipc-state')
    let ipc = await reopen(stateDir)
    expect(await ipc.api.invoke('hosts:list', {})).toEqual([])
    const saved = await ipc.api.invoke('hosts:upsert', {
      rule: { pattern: 'Mirror.Example.', port: 8443, addresses: ['10.0.0.5'], pins: [PIN], trust: 'pin' },
    })
    expect(saved).toEqual({
      pattern: 'mirror.example',
      port: 8443,
      addresses: ['10.0.0.5'],
      pins: [PIN.slice('sha256//'.length)],
      pinMode: 'enforce',
      trust: 'pin',
    })
    await ipc.api.invoke('hosts:upsert', { rule: { pattern: '*.cdn.test', addresses: ['10.0.0.6'] } })
    expect(ipc.emitted.filter((e) => e.channel === 'hosts:changed').map((e) => e.payload.length)).toEqual([1, 2])

    ipc = await reopen(stateDir)
    expect((await ipc.api.invoke('hosts:list', {})).map((r) => `${r.pattern}:${r.port ?? '*'}`)).toEqual([
      '*.cdn.test:*',
      'mirror.example:8443',
    ])
    await ipc.api.invoke('hosts:remove', { pattern: 'MIRROR.example', port: 8443 })
    expect(ipc.emitted).toEqual([
      { channel: 'hosts:changed', payload: [expect.objectContaining({ pattern: '*.cdn.test' })] },
    ])

    ipc = await reopen(stateDir)
    expect((await ipc.api.invoke('hosts:list', {})).map((r) => r.pattern)).toEqual(['*.cdn.test'])
  })

  it('an invalid rule is refused with the field that is wrong', async () => {
    h = await makeIpcHarness()
    await expect(h.api.invoke('hosts:upsert', { rule: { pattern: 'a.test', trust: 'pin' } })).rejects.toThrow(
      'hosts:upsert: rule.pins: trust "pin" needs at least one pin',
    )
    expect(await h.api.invoke('hosts:list', {})).toEqual([])
  })

  it('hosts:list warns with a notice about a saved rule this version cannot read', async () => {
    const stateDir = await makeTempDir('ipc-state')
    await (await reopen(stateDir)).close()
    h = undefined
    const db = new DatabaseSync(join(stateDir, DB_FILE))
    db.prepare('INSERT INTO host_rules (pattern, port, rule) VALUES (?, ?, ?)').run('odd.test', 0, '{"pattern":5}')
    db.close()
    const ipc = await reopen(stateDir)
    expect(await ipc.api.invoke('hosts:list', {})).toEqual([])
    expect(ipc.emitted).toEqual([
      {
        channel: 'notice',
        payload: {
          level: 'warning',
          code: 'BAD_INPUT',
          message: expect.stringMatching(/^the saved rule for odd\.test is ignored/),
        },
      },
    ])
  })

  it('hosts:probe connects and reports, trying an unsaved rule first', async () => {
    h = await makeIpcHarness()
    const plain = await h.api.invoke('hosts:probe', { url: server.url('/') })
    expect(plain).toMatchObject({ address: '127.0.0.1', port: server.port, verified: false, protocol: null })
    expect(plain.attempts[0]).toMatchObject({ address: '127.0.0.1', outcome: 'won' })

    // probe.invalid has no DNS; only the rule under test can send it to the loopback server.
    const url = `http://probe.invalid:${server.port}/`
    const withRule = await h.api.invoke('hosts:probe', {
      url,
      rule: { pattern: 'probe.invalid', addresses: ['127.0.0.1'] },
    })
    expect(withRule).toMatchObject({ address: '127.0.0.1', hostHeader: `probe.invalid:${server.port}` })
    expect(withRule.error).toBeUndefined()
    expect(withRule.attempts).toEqual([expect.objectContaining({ source: 'rule', outcome: 'won' })])
    const without = await h.api.invoke('hosts:probe', { url })
    expect(without.error?.code).toBe('DNS_FAILED')
    expect(await h.api.invoke('hosts:list', {})).toEqual([])
  })
})

describe('settings', () => {
  it('an update persists across a reopen; a damaged stored value falls back to its default alone', async () => {
    const stateDir = await makeTempDir('ipc-state')
    let ipc = await reopen(stateDir)
    await ipc.api.invoke('settings:update', { maxActive: 7, notifications: false, limitRate: 65536 })
    ipc = await reopen(stateDir)
    expect(await ipc.api.invoke('settings:get', {})).toMatchObject({
      maxActive: 7,
      notifications: false,
      limitRate: 65536,
    })
    ipc.store.settings.set('maxActive', 'lots')
    expect(await ipc.api.invoke('settings:get', {})).toMatchObject({ maxActive: 3, notifications: false })
    await ipc.api.invoke('settings:update', { limitRate: null })
    ipc = await reopen(stateDir)
    expect((await ipc.api.invoke('settings:get', {})).limitRate).toBeNull()
  })
})
