import { readFile } from 'node:fs/promises'
import { join } from 'node:path'

import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'

import { OTHER_HOST, startAuthNginx, type AuthNginx } from '../../fixtures/nginx-auth.ts'
import { waitFor } from '../../fixtures/wait-for.ts'
import { makeIpcHarness, type IpcHarness } from './ipc-harness.ts'

const USER = 'bob'
const PASSWORD = 'H0st-rule:pw'
const BODY = Buffer.from(Buffer.alloc(1024 * 1024 + 5, 0).map((_, i) => (i * 17) % 239))
const basic = (u: string, p: string) => `Basic ${Buffer.from(`${u}:${p}`).toString('base64')}`

let nginx: AuthNginx
let h: IpcHarness | undefined
beforeAll(async () => {
  nginx = await startAuthNginx({
    file: BODY,
    user: USER,
    password: PASSWORD,
    realm: 'Rule files',
    token: 'unused',
    session: 'unused',
    bearer: 'unused-bearer',
  })
})
afterAll(async () => {
  await nginx?.stop()
})
afterEach(async () => {
  await h?.close()
  h = undefined
})

async function download(harness: IpcHarness, url: string): Promise<number> {
  const { added } = await harness.api.invoke('transfers:add', { urls: [url], options: { duplicate: 'again' } })
  const id = added[0]?.id ?? 0
  await waitFor(() => ['completed', 'paused', 'failed'].includes(harness.store.transfers.get(id)?.state ?? ''))
  return id
}

describe('host rule credentials', () => {
  it("a rule's login goes to its host, for every download there; the views show only the user name", async () => {
    h = await makeIpcHarness()
    const harness = h
    await harness.api.invoke('hosts:upsert', { rule: { pattern: '127.0.0.1', port: nginx.port } })
    const set = await harness.api.invoke('hosts:setCredentials', {
      pattern: '127.0.0.1',
      port: nginx.port,
      credentials: { kind: 'basic', username: USER, password: PASSWORD },
    })
    expect(set).toEqual({ basicUser: USER, bearer: false, headers: [], cookies: 0 })

    const id = await download(harness, `${nginx.base}/basic/file.bin`)
    expect(harness.store.transfers.get(id)?.state).toBe('completed')
    expect(await readFile(join(harness.downloadDir, 'file.bin'))).toEqual(BODY)
    const sent = nginx.accessLog().filter((e) => e.request.includes('/basic/file.bin') && e.status === '206')
    expect(sent.length).toBeGreaterThan(0)
    expect(sent.every((e) => e.http_authorization === basic(USER, PASSWORD))).toBe(true)
    // The download itself holds none: they stay the rule's.
    expect(harness.store.secrets.getAll(id)).toBeUndefined()

    const state = await harness.api.invoke('hosts:credentials', { pattern: '127.0.0.1', port: nginx.port })
    const said = JSON.stringify([harness.emitted, state, set, await harness.api.invoke('hosts:list', {})])
    expect(said).not.toContain(PASSWORD)
    expect(said).not.toContain(basic(USER, PASSWORD).slice(6))

    // Another origin after a redirect is another host: the rule's login does not follow.
    await download(harness, `${nginx.base}/to-other/x`)
    const there = nginx.accessLog().filter((e) => e.server_addr === OTHER_HOST)
    expect(there.length).toBeGreaterThan(0)
    expect(there.every((e) => e.http_authorization === '')).toBe(true)

    // Removing the rule removes its credentials.
    await harness.api.invoke('hosts:remove', { pattern: '127.0.0.1', port: nginx.port })
    expect(harness.store.hostSecrets.get('127.0.0.1', nginx.port)).toBeUndefined()
    const again = await download(harness, `${nginx.base}/basic/file.bin`)
    expect(harness.store.transfers.get(again)?.errorCode).toBe('AUTH_REQUIRED')
  })

  it("a download's own login wins over the rule's on its origin", async () => {
    h = await makeIpcHarness()
    const harness = h
    await harness.api.invoke('hosts:upsert', { rule: { pattern: '127.0.0.1' } })
    await harness.api.invoke('hosts:setCredentials', {
      pattern: '127.0.0.1',
      credentials: { kind: 'basic', username: USER, password: 'wrong-one' },
    })
    const failed = await download(harness, `${nginx.base}/basic/file.bin`)
    expect(harness.store.transfers.get(failed)?.errorCode).toBe('AUTH_REQUIRED')
    const own = `http://${USER}:${encodeURIComponent(PASSWORD)}@127.0.0.1:${nginx.port}/basic/file.bin`
    const id = await download(harness, own)
    expect(harness.store.transfers.get(id)?.state).toBe('completed')
    expect(
      await harness.api.invoke('hosts:setCredentials', { pattern: '127.0.0.1', credentials: { kind: 'clear' } }),
    ).toBeNull()
    expect(harness.store.hostSecrets.get('127.0.0.1', undefined)).toBeUndefined()
  })

  it('credentials belong to a saved rule only', async () => {
    h = await makeIpcHarness()
    await expect(
      h.api.invoke('hosts:setCredentials', { pattern: 'nowhere.test', credentials: { kind: 'bearer', token: 't' } }),
    ).rejects.toThrow(/no saved rule for nowhere.test/)
    await expect(h.api.invoke('hosts:credentials', { pattern: 'nowhere.test' })).rejects.toThrow(/no saved rule/)
  })
})
