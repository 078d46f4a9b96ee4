import { readdir } from 'node:fs/promises'

import { afterEach, describe, expect, it } from 'vitest'

import { makeIpcHarness, type IpcHarness } from './ipc-harness.ts'

// The desktop app's side of the folder channels, through the real dispatcher: it has main's folder dialog, so
// it offers no roots and names no folder from text, whatever the page sends.
let h: IpcHarness
afterEach(async () => {
  await h?.close()
})

describe('folders in the desktop app', () => {
  it('app:info says desktop: no roots, and reveal/open are offered', async () => {
    h = await makeIpcHarness()
    expect(await h.api.invoke('app:info', {})).toEqual({ shell: 'desktop', roots: [], revealUnavailable: null })
  })

  it('folders:name is refused with BAD_INPUT pointing at the dialog, and creates nothing', async () => {
    h = await makeIpcHarness()
    for (const sub of ['', 'isos', '../etc']) {
      expect(await h.api.invoke('folders:name', { root: 0, sub })).toEqual({
        ok: false,
        error: { code: 'BAD_INPUT', message: 'the desktop app does not name folders by text: use the folder dialog' },
      })
    }
    expect(await readdir(h.downloadDir)).toEqual([])
    // The dialog is still the way in: its folder gets a token that transfers:add takes.
    h.desktop.nextFolder = h.downloadDir
    expect(await h.api.invoke('dialog:chooseFolder', {})).toMatchObject({ label: h.downloadDir })
  })

  it.each([
    ['a negative root', { root: -1, sub: '' }, 'folders:name: root: Too small'],
    ['a root past the cap', { root: 64, sub: '' }, 'folders:name: root: Too big'],
    ['a fractional root', { root: 0.5, sub: '' }, 'folders:name: root: Invalid input: expected int'],
    ['a path key', { root: 0, sub: '', path: '/etc' }, 'folders:name: Unrecognized key: "path"'],
    ['1,025 characters', { root: 0, sub: 'x'.repeat(1025) }, 'folders:name: sub: Too big'],
    ['no sub', { root: 0 }, 'folders:name: sub: Invalid input: expected string'],
  ])('%s is refused by the dispatcher before any handler runs', async (_what, input, message) => {
    h = await makeIpcHarness()
    await expect(h.raw('folders:name', input)).rejects.toThrow(message)
  })

  it('an untrusted sender gets nothing from either channel', async () => {
    h = await makeIpcHarness()
    await expect(h.raw('app:info', {}, 'http://evil.test/')).rejects.toThrow('app:info: untrusted sender')
    await expect(h.raw('folders:name', { root: 0, sub: '' }, undefined)).rejects.toThrow(
      'folders:name: untrusted sender',
    )
  })
})
