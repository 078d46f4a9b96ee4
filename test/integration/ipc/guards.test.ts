import fc from 'fast-check'
import { afterEach, describe, expect, it } from 'vitest'

import { createDispatcher } from '../../../electron/ipc/dispatch.ts'
import { createHandlers } from '../../../electron/ipc/handlers.ts'
import { isTrustedSender } from '../../../electron/ipc/trusted-sender.ts'
import { requestChannels, requests, type Handlers, type RequestChannel } from '../../../shared/ipc.ts'
import { MAX_URLS } from '../../../shared/links.ts'
import { APP_URL, makeIpcHarness, type IpcHarness } from './ipc-harness.ts'

let h: IpcHarness
afterEach(async () => {
  await h?.close()
})

const URL_OK = 'http://127.0.0.1:9/file.bin'

describe('senders', () => {
  it.each([
    ['an http page', 'http://evil.test/'],
    ['another file:// path', 'file:///tmp/evil.html'],
    ['a frame with no URL (a subframe)', undefined],
  ])('%s is refused before anything runs', async (_what, sender) => {
    h = await makeIpcHarness()
    await expect(h.raw('transfers:add', { urls: [URL_OK], options: { startPaused: true } }, sender)).rejects.toThrow(
      'transfers:add: untrusted sender',
    )
    await expect(h.raw('settings:update', { maxActive: 9 }, sender)).rejects.toThrow(/untrusted sender/)
    expect(h.store.transfers.count()).toBe(0)
    expect(h.settings.get().maxActive).toBe(3)
    // The same calls from the app's page go through, so the refusal above was the sender check.
    await h.raw('transfers:add', { urls: [URL_OK], options: { startPaused: true } }, APP_URL)
    expect(h.store.transfers.count()).toBe(1)
  })
})

describe('payloads', () => {
  it('an unknown channel is an error', async () => {
    h = await makeIpcHarness()
    await expect(h.raw('transfers:format', {})).rejects.toThrow('unknown channel "transfers:format"')
    await expect(h.raw('__proto__', {})).rejects.toThrow(/unknown channel/)
    await expect(h.raw('constructor', {})).rejects.toThrow(/unknown channel/)
  })

  it.each([
    ['unknown keys', 'transfers:add', { urls: [URL_OK], dir: '/tmp' }, 'transfers:add: Unrecognized key: "dir"'],
    [
      'a 9 KiB URL',
      'transfers:add',
      { urls: [URL_OK, URL_OK, URL_OK, `http://a.test/${'x'.repeat(9 * 1024)}`] },
      'transfers:add: urls.3: Too big: expected string to have <=8192 characters',
    ],
    [
      '10,001 URLs',
      'transfers:add',
      { urls: Array.from({ length: MAX_URLS + 1 }, () => URL_OK) },
      'transfers:add: urls: Too big: expected array to have <=10000 items',
    ],
    [
      'a path where a folder token goes',
      'transfers:add',
      { urls: [URL_OK], folder: '/etc' },
      'transfers:add: folder: expected a folder token from dialog:chooseFolder, not a path',
    ],
    ['a string id', 'transfers:pause', { ids: ['1'] }, 'transfers:pause: ids.0: Invalid input: expected number'],
    ['no input at all', 'transfers:list', undefined, 'transfers:list: Invalid input: expected object'],
    ['an array for an object', 'hosts:upsert', [], 'hosts:upsert: Invalid input: expected object'],
    ['a path for a file id', 'transfers:open', { path: '/etc/passwd' }, 'transfers:open: id: Invalid input'],
    ['a non-http probe', 'hosts:probe', { url: 'file:///etc/passwd' }, 'hosts:probe: url: expected an http'],
    [
      '1 MiB + 1 of text',
      'links:parse',
      { text: 'x'.repeat(1024 * 1024 + 1), kind: 'text' },
      'links:parse: text: Too big',
    ],
  ])('%s: refused with a message naming the channel and the field', async (_what, channel, input, message) => {
    h = await makeIpcHarness()
    await expect(h.raw(channel, input)).rejects.toThrow(message)
    expect(h.store.transfers.count()).toBe(0)
  })

  it('the renderer cannot name a path: a well-formed token this run never issued is refused too', async () => {
    h = await makeIpcHarness()
    const forged = `folder-${'A'.repeat(22)}`
    await expect(h.api.invoke('transfers:add', { urls: [URL_OK], folder: forged })).rejects.toThrow(
      'not a known folder token',
    )
    await expect(h.api.invoke('settings:update', { downloadFolder: forged })).rejects.toThrow(
      'not a known folder token',
    )
    expect(h.store.transfers.count()).toBe(0)
  })

  it('a handler that returns the wrong shape is caught by the output schema', async () => {
    h = await makeIpcHarness()
    const handlers = createHandlers({ ...deps(h) })
    const buggy = { ...handlers, 'transfers:list': async () => ({ seq: 'one', transfers: [] }) } as unknown as Handlers
    const d = createDispatcher(buggy, () => true)
    await expect(d.handle('transfers:list', {}, APP_URL)).rejects.toThrow(
      'transfers:list: internal error: bad reply: seq: Invalid input: expected number',
    )
  })

  it('random junk never reaches a handler: every input a handler sees passed its schema', async () => {
    h = await makeIpcHarness()
    const seen: Array<{ channel: RequestChannel; input: unknown }> = []
    const real = createHandlers(deps(h))
    const spied = Object.fromEntries(
      requestChannels.map((c) => [
        c,
        (input: unknown) => {
          seen.push({ channel: c, input })
          return (real[c] as (i: unknown) => Promise<unknown>)(input)
        },
      ]),
    ) as unknown as Handlers
    const d = createDispatcher(spied, (url) => isTrustedSender(url, APP_URL))
    // Junk of every kind, and objects with the right keys holding the wrong values.
    const keys = ['urls', 'folder', 'options', 'ids', 'id', 'deleteFile', 'text', 'kind', 'rule', 'pattern', 'url']
    const junk = fc.oneof(fc.anything(), fc.dictionary(fc.constantFrom(...keys), fc.anything()))
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...requestChannels), junk, async (channel, input) => {
        const before = seen.length
        const valid = requests[channel].input.safeParse(input).success
        const outcome = await d.handle(channel, input, APP_URL).then(
          () => 'ok',
          (err: Error) => err.message,
        )
        if (!valid) {
          expect(outcome).toMatch(new RegExp(`^${channel}: `))
          expect(seen.length).toBe(before)
        }
        for (const call of seen.slice(before)) {
          expect(requests[call.channel].input.safeParse(call.input).success).toBe(true)
        }
      }),
      { numRuns: 400 },
    )
  })
})

function deps(h: IpcHarness): Parameters<typeof createHandlers>[0] {
  return {
    queue: h.queue,
    store: h.store,
    settings: h.settings,
    folders: h.folders,
    desktop: h.desktop,
    probe: async () => {
      throw new Error('no probing in this test')
    },
    emit: () => {},
  }
}
