import { describe, expect, it } from 'vitest'

import { isTrustedSender, mainFrameUrl } from '../../../electron/ipc/trusted-sender.ts'

const FILE_APP = 'file:///opt/pinpoint/resources/app.asar/dist/renderer/index.html'
const DEV_APP = 'http://localhost:5173/'

describe('isTrustedSender', () => {
  it("trusts the app's own page, with or without a fragment or query", () => {
    expect(isTrustedSender(FILE_APP, FILE_APP)).toBe(true)
    expect(isTrustedSender(`${FILE_APP}#/settings`, FILE_APP)).toBe(true)
    expect(isTrustedSender(`${FILE_APP}?view=hosts`, FILE_APP)).toBe(true)
    expect(isTrustedSender('http://localhost:5173/index.html', DEV_APP)).toBe(true)
  })

  it.each([
    ['no sender URL', undefined],
    ['an http page', 'http://evil.test/'],
    ['an https page', 'https://evil.test/index.html'],
    ['another file in the same folder', 'file:///opt/pinpoint/resources/app.asar/dist/renderer/other.html'],
    ['another file:// path', 'file:///tmp/evil.html'],
    ['a file reached by dot segments', 'file:///opt/pinpoint/resources/app.asar/dist/renderer/x/../../evil.html'],
    ['a file on another host', 'file://evil.test/opt/pinpoint/resources/app.asar/dist/renderer/index.html'],
    ['devtools', 'devtools://devtools/bundled/devtools_app.html'],
    ['a data: page', 'data:text/html,<script>alert(1)</script>'],
    ['about:blank', 'about:blank'],
    ['garbage', 'not a url'],
  ])('refuses %s', (_what, url) => {
    expect(isTrustedSender(url, FILE_APP)).toBe(false)
  })

  it('on a dev server, trusts only the same origin', () => {
    expect(isTrustedSender('http://localhost:5174/', DEV_APP)).toBe(false)
    expect(isTrustedSender('https://localhost:5173/', DEV_APP)).toBe(false)
    expect(isTrustedSender('http://127.0.0.1:5173/', DEV_APP)).toBe(false)
    expect(isTrustedSender(FILE_APP, DEV_APP)).toBe(false)
  })

  it('never trusts by the opaque "null" origin that every file: and data: page shares', () => {
    expect(isTrustedSender('data:text/html,hi', 'data:text/html,hi')).toBe(false)
  })
})

describe('mainFrameUrl', () => {
  it('gives the URL of a top-level frame only', () => {
    expect(mainFrameUrl({ url: FILE_APP, parent: null })).toBe(FILE_APP)
    expect(mainFrameUrl({ url: FILE_APP, parent: { url: FILE_APP } })).toBeUndefined()
    expect(mainFrameUrl(null)).toBeUndefined()
    expect(mainFrameUrl(undefined)).toBeUndefined()
  })
})

describe('isTrustedSender with escaped paths', () => {
  const app = 'file:///home/J%C3%BCrgen%20M/pinpoint/index.html'

  it('matches the same file however its path is escaped', () => {
    expect(isTrustedSender('file:///home/J%c3%bcrgen M/pinpoint/index.html', app)).toBe(true)
    expect(isTrustedSender('file:///home/Jürgen%20M/pinpoint/index.html', app)).toBe(true)
  })

  it('does not match a neighbour, nor a malformed escape', () => {
    expect(isTrustedSender('file:///home/J%C3%BCrgen%20M/pinpoint/index.htm', app)).toBe(false)
    expect(isTrustedSender('file:///home/%E0%A4%A/index.html', 'file:///home/%E0%A4%A/index.html')).toBe(false)
  })
})
