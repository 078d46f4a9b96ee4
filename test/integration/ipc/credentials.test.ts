import { readFile } from 'node:fs/promises'
import { join } from 'node:path'

import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'

import { startAuthNginx, type AuthNginx } from '../../fixtures/nginx-auth.ts'
import { waitFor } from '../../fixtures/wait-for.ts'
import { makeIpcHarness, type IpcHarness } from './ipc-harness.ts'

const USER = 'alice'
const PASSWORD = 'Ipc-pa55:w0rd'
const BEARER = 'ipc-bearer-T0k'
const BODY = Buffer.from(Buffer.alloc(1024 * 1024 + 3, 0).map((_, i) => (i * 31) % 253))

let nginx: AuthNginx
let h: IpcHarness | undefined
beforeAll(async () => {
  nginx = await startAuthNginx({
    file: BODY,
    user: USER,
    password: PASSWORD,
    realm: 'Team files',
    token: 'unused',
    session: 'unused',
    bearer: BEARER,
  })
})
afterAll(async () => {
  await nginx?.stop()
})
afterEach(async () => {
  await h?.close()
  h = undefined
})

/** Everything the renderer was ever sent or answered, as one text to search. */
function allPayloads(harness: IpcHarness, answers: unknown[]): string {
  return JSON.stringify([harness.emitted, answers])
}

describe('credentials over IPC', () => {
  it('a 401 pauses with AUTH_REQUIRED; credentials given then resume it, and no payload holds the password', async () => {
    h = await makeIpcHarness()
    const harness = h
    const answers: unknown[] = []
    const { added } = await harness.api.invoke('transfers:add', { urls: [`${nginx.base}/basic/file.bin`], options: {} })
    const id = added[0]?.id ?? 0
    await waitFor(() => harness.store.transfers.get(id)?.state === 'paused')
    const paused = (await harness.api.invoke('transfers:list', {})).transfers.find((t) => t.id === id)
    expect(paused?.error?.code).toBe('AUTH_REQUIRED')
    expect(paused?.error?.message).toContain('Basic realm "Team files"')
    expect(await harness.api.invoke('transfers:credentials', { id })).toBeNull()

    const set = await harness.api.invoke('transfers:setCredentials', {
      id,
      credentials: { kind: 'basic', username: USER, password: PASSWORD },
    })
    answers.push(set)
    expect(set).toEqual({ basicUser: USER, bearer: false, headers: [], cookies: 0 })
    await waitFor(() => harness.store.transfers.get(id)?.state === 'completed')
    expect(await readFile(join(harness.downloadDir, 'file.bin'))).toEqual(BODY)
    answers.push(await harness.api.invoke('transfers:list', {}))
    answers.push(await harness.api.invoke('transfers:details', { id }))
    answers.push(await harness.api.invoke('transfers:credentials', { id }))
    const said = allPayloads(harness, answers)
    expect(said).toContain('AUTH_REQUIRED')
    expect(said).not.toContain(PASSWORD)
    expect(said).not.toContain(Buffer.from(`${USER}:${PASSWORD}`).toString('base64'))
  })

  it('a Bearer token replaces Basic, clear removes both; the state never carries the token', async () => {
    h = await makeIpcHarness()
    const harness = h
    const { added } = await harness.api.invoke('transfers:add', {
      urls: [`http://${USER}:${encodeURIComponent(PASSWORD)}@${nginx.base.slice(7)}/bearer/file.bin`],
      options: {},
    })
    const id = added[0]?.id ?? 0
    await waitFor(() => harness.store.transfers.get(id)?.state === 'paused')
    expect(harness.store.transfers.get(id)?.errorMessage).toContain('Bearer realm "api"')
    expect(await harness.api.invoke('transfers:credentials', { id })).toMatchObject({ basicUser: USER, bearer: false })

    const set = await harness.api.invoke('transfers:setCredentials', {
      id,
      credentials: { kind: 'bearer', token: BEARER },
    })
    expect(set).toEqual({ bearer: true, headers: [], cookies: 0 })
    await waitFor(() => harness.store.transfers.get(id)?.state === 'completed')
    expect(await harness.api.invoke('transfers:setCredentials', { id, credentials: { kind: 'clear' } })).toBeNull()
    expect(harness.store.secrets.getAll(id)).toBeUndefined()
    const said = allPayloads(harness, [set])
    expect(said).not.toContain(BEARER)
    expect(said).not.toContain(PASSWORD)
  })

  it('refuses a malformed credential and an unknown transfer', async () => {
    h = await makeIpcHarness()
    await expect(
      h.raw('transfers:setCredentials', { id: 1, credentials: { kind: 'bearer', token: 'a\nb' } }),
    ).rejects.toThrow()
    await expect(
      h.raw('transfers:setCredentials', { id: 1, credentials: { kind: 'basic', username: 'u' } }),
    ).rejects.toThrow()
    expect(await h.api.invoke('transfers:credentials', { id: 999 })).toBeNull()
    await expect(h.api.invoke('transfers:setCredentials', { id: 999, credentials: { kind: 'clear' } })).rejects.toThrow(
      /no transfer 999/,
    )
  })
})
