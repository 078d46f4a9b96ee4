import { describe, expect, it } from 'vitest'

import { isTrustedSender, mainFrameUrl } from '../../../electron/ipc/trusted-sender.ts'

// The window loads the renderer from the app's own origin (electron/shell/app-protocol.ts), not from file://.
const APP = 'app://pinpoint/index.html'
const FILE_PAGE = 'file:///opt/pinpoint/resources/app.asar/dist/renderer/index.html'
const DEV_APP = 'http://localhost:5173/'

describe('isTrustedSender', () => {
  it("trusts the app's own origin, with or without a fragment or query", () => {
    expect(isTrustedSender(APP, APP)).toBe(true)
    expect(isTrustedSender(`${APP}#/settings`, APP)).toBe(true)
    expect(isTrustedSender(`${APP}?view=hosts`, APP)).toBe(true)
    expect(isTrustedSender('app://pinpoint/', APP)).toBe(true)
    expect(isTrustedSender('APP://PINPOINT/index.html', APP)).toBe(true)
    expect(isTrustedSender('http://localhost:5173/index.html', DEV_APP)).toBe(true)
  })

  it.each([
    ['no sender URL', undefined],
    ['an http page', 'http://evil.test/'],
    ['an https page', 'https://evil.test/index.html'],
    ['another host on the app scheme', 'app://evil/index.html'],
    ['a host that only starts like the app', 'app://pinpoint.evil/index.html'],
    ['the app host with a port', 'app://pinpoint:8080/index.html'],
    ['the app host with credentials', 'app://user:pw@pinpoint/index.html'],
    ['a file: page, even the built renderer itself', FILE_PAGE],
    ['another file:// path', 'file:///tmp/evil.html'],
    ['devtools', 'devtools://devtools/bundled/devtools_app.html'],
    ['a data: page', 'data:text/html,<script>alert(1)</script>'],
    ['about:blank', 'about:blank'],
    ['garbage', 'not a url'],
  ])('refuses %s', (_what, url) => {
    expect(isTrustedSender(url, APP)).toBe(false)
  })

  it('on a dev server, trusts only the same origin', () => {
    expect(isTrustedSender('http://localhost:5174/', DEV_APP)).toBe(false)
    expect(isTrustedSender('https://localhost:5173/', DEV_APP)).toBe(false)
    expect(isTrustedSender('http://127.0.0.1:5173/', DEV_APP)).toBe(false)
    expect(isTrustedSender(APP, DEV_APP)).toBe(false)
  })

  it('never trusts a page by the opaque "null" origin that file: and data: pages share, nor a file: app', () => {
    expect(isTrustedSender('data:text/html,hi', 'data:text/html,hi')).toBe(false)
    expect(isTrustedSender(FILE_PAGE, FILE_PAGE)).toBe(false)
  })
})

describe('mainFrameUrl', () => {
  it('gives the URL of a top-level frame only', () => {
    expect(mainFrameUrl({ url: APP, parent: null })).toBe(APP)
    expect(mainFrameUrl({ url: APP, parent: { url: APP } })).toBeUndefined()
    expect(mainFrameUrl(null)).toBeUndefined()
    expect(mainFrameUrl(undefined)).toBeUndefined()
  })
})
