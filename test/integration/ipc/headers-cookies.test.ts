import { readdir, readFile } from 'node:fs/promises'
import { join } from 'node:path'

import { afterEach, describe, expect, it } from 'vitest'

import { makeIpcHarness, type IpcHarness } from './ipc-harness.ts'

const TOKEN = 'ipc-header-secret-55e1'
const SESSION = 'ipc-cookie-secret-0a9f'

let h: IpcHarness | undefined
afterEach(async () => {
  await h?.close()
  h = undefined
})

/** Every byte of every file in the state folder, as text, to prove a value is nowhere in clear. */
async function stateText(dir: string): Promise<string> {
  const names = await readdir(dir, { recursive: true, withFileTypes: true })
  const files = names.filter((d) => d.isFile()).map((d) => join(d.parentPath, d.name))
  return (await Promise.all(files.map((f) => readFile(f, 'latin1')))).join('\n')
}

// The window's headers and cookies through the real dispatcher: checked by the channel's schema with the CLI's
// reasons, kept sealed, and answered as names and counts.
describe('headers and cookies over IPC', () => {
  it("transfers:add keeps the add dialog's headers and cookies sealed with the download", async () => {
    h = await makeIpcHarness()
    await expect(
      h.raw('transfers:add', { urls: ['http://127.0.0.1:9/a.bin'], options: { headers: 'X-A: 1\nHost: other' } }),
    ).rejects.toThrow('transfers:add: options.headers: line 2: "Host" cannot be set')
    await expect(
      h.raw('transfers:add', { urls: ['http://127.0.0.1:9/a.bin'], options: { cookies: 'a=1; b' } }),
    ).rejects.toThrow('transfers:add: options.cookies: "b" is not a name=value cookie')
    expect(h.store.transfers.count()).toBe(0)

    const { added } = await h.api.invoke('transfers:add', {
      urls: ['http://127.0.0.1:9/a.bin'],
      options: { startPaused: true, headers: `X-Token: ${TOKEN}`, cookies: `session=${SESSION}; lang=de` },
    })
    const id = added[0]?.id as number
    expect(h.store.secrets.getAll(id)).toMatchObject({
      headers: [{ name: 'x-token', value: TOKEN }],
      cookies: [{ name: 'session', value: SESSION }, { name: 'lang' }],
    })
    const state = await h.api.invoke('transfers:credentials', { id })
    expect(state).toEqual({ bearer: false, headers: ['x-token'], cookies: 2 })
    // The view the window gets carries neither, and nor does any file of the state folder in clear.
    expect(JSON.stringify(await h.api.invoke('transfers:list', {}))).not.toMatch(new RegExp(`${TOKEN}|${SESSION}`))
    expect(await stateText(h.stateDir)).not.toMatch(new RegExp(`${TOKEN}|${SESSION}`))

    const cleared = await h.api.invoke('transfers:setCredentials', { id, credentials: { kind: 'cookies', text: '' } })
    expect(cleared).toEqual({ bearer: false, headers: ['x-token'], cookies: 0 })
  })

  it("hosts:setCredentials replaces and clears a saved rule's headers and cookies, answering counts", async () => {
    h = await makeIpcHarness()
    await h.api.invoke('hosts:upsert', { rule: { pattern: 'files.example', port: 8443 } })
    const key = { pattern: 'files.example', port: 8443 }
    await expect(
      h.raw('hosts:setCredentials', { ...key, credentials: { kind: 'headers', text: 'Upgrade: h2c' } }),
    ).rejects.toThrow(/^hosts:setCredentials: credentials.text: line 1: "Upgrade" cannot be set/)
    const set = await h.api.invoke('hosts:setCredentials', {
      ...key,
      credentials: { kind: 'headers', text: `X-Token: ${TOKEN}\nX-Team: blue` },
    })
    expect(set).toEqual({ bearer: false, headers: ['x-token', 'x-team'], cookies: 0 })
    await h.api.invoke('hosts:setCredentials', { ...key, credentials: { kind: 'cookies', text: `session=${SESSION}` } })
    const replaced = await h.api.invoke('hosts:setCredentials', {
      ...key,
      credentials: { kind: 'headers', text: 'X-Other: 1' },
    })
    expect(replaced).toEqual({ bearer: false, headers: ['x-other'], cookies: 1 })
    expect(h.store.hostSecrets.get('files.example', 8443)).toMatchObject({
      headers: [{ name: 'x-other', value: '1' }],
      cookies: [{ name: 'session', value: SESSION }],
    })
    expect(await h.api.invoke('hosts:credentials', key)).toEqual(replaced)
    expect(await stateText(h.stateDir)).not.toContain(SESSION)
    await h.api.invoke('hosts:setCredentials', { ...key, credentials: { kind: 'headers', text: '' } })
    expect(
      await h.api.invoke('hosts:setCredentials', { ...key, credentials: { kind: 'cookies', text: '' } }),
    ).toBeNull()
  })
})
