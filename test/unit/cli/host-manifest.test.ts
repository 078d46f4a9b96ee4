import { describe, expect, it } from 'vitest'

import { BROWSERS, hostManifest, hostManifestLocations, launcherScript } from '../../../electron/cli/host-manifest.ts'
import { EXTENSION_ID, FIREFOX_EXTENSION_ID, NATIVE_HOST_NAME } from '../../../shared/extension-id.ts'

describe('where browsers look for the host manifest', () => {
  it('on Linux, in each browser folder under ~/.config, and ~/.mozilla for Firefox', () => {
    const dirs = Object.fromEntries(BROWSERS.map((b) => [b, hostManifestLocations('linux', b, '/home/u').dir]))
    expect(dirs).toEqual({
      chromium: '/home/u/.config/chromium/NativeMessagingHosts',
      chrome: '/home/u/.config/google-chrome/NativeMessagingHosts',
      edge: '/home/u/.config/microsoft-edge/NativeMessagingHosts',
      brave: '/home/u/.config/BraveSoftware/Brave-Browser/NativeMessagingHosts',
      firefox: '/home/u/.mozilla/native-messaging-hosts',
    })
    expect(hostManifestLocations('linux', 'chrome', '/home/u')).toMatchObject({
      manifestPath: `/home/u/.config/google-chrome/NativeMessagingHosts/${NATIVE_HOST_NAME}.json`,
      browserRoot: '/home/u/.config/google-chrome',
    })
    expect(hostManifestLocations('linux', 'chrome', '/home/u').registryKey).toBeUndefined()
  })

  it('on macOS, under ~/Library/Application Support', () => {
    expect(hostManifestLocations('darwin', 'chrome', '/Users/u').dir).toBe(
      '/Users/u/Library/Application Support/Google/Chrome/NativeMessagingHosts',
    )
    expect(hostManifestLocations('darwin', 'firefox', '/Users/u').dir).toBe(
      '/Users/u/Library/Application Support/Mozilla/NativeMessagingHosts',
    )
  })

  it("on Windows, as each browser's registry key under HKCU, the manifest in Pinpoint's own folder", () => {
    const keys = Object.fromEntries(
      BROWSERS.map((b) => [b, hostManifestLocations('win32', b, 'C:\\Users\\u').registryKey]),
    )
    expect(keys).toEqual({
      chromium: `HKEY_CURRENT_USER\\Software\\Chromium\\NativeMessagingHosts\\${NATIVE_HOST_NAME}`,
      chrome: `HKEY_CURRENT_USER\\Software\\Google\\Chrome\\NativeMessagingHosts\\${NATIVE_HOST_NAME}`,
      edge: `HKEY_CURRENT_USER\\Software\\Microsoft\\Edge\\NativeMessagingHosts\\${NATIVE_HOST_NAME}`,
      brave: `HKEY_CURRENT_USER\\Software\\BraveSoftware\\Brave-Browser\\NativeMessagingHosts\\${NATIVE_HOST_NAME}`,
      firefox: `HKEY_CURRENT_USER\\Software\\Mozilla\\NativeMessagingHosts\\${NATIVE_HOST_NAME}`,
    })
    expect(hostManifestLocations('win32', 'edge', 'C:\\Users\\u').manifestPath).toBe(
      `C:\\Users\\u\\AppData\\Roaming\\Pinpoint\\NativeMessagingHosts\\edge\\${NATIVE_HOST_NAME}.json`,
    )
  })
})

describe('the host manifest', () => {
  it('allows only our extension: by origin for Chromium browsers, by id for Firefox', () => {
    expect(hostManifest('brave', '/opt/host')).toEqual({
      name: NATIVE_HOST_NAME,
      description: expect.any(String),
      path: '/opt/host',
      type: 'stdio',
      allowed_origins: [`chrome-extension://${EXTENSION_ID}/`],
    })
    expect(hostManifest('firefox', '/opt/host')).toMatchObject({ allowed_extensions: [FIREFOX_EXTENSION_ID] })
    expect(hostManifest('firefox', '/opt/host')).not.toHaveProperty('allowed_origins')
    expect(() => hostManifest('chrome', '/opt/host', 'not-an-id')).toThrow(/extension id/)
  })

  it('points at a launcher that adds the arguments a manifest cannot carry, quoted', () => {
    expect(launcherScript('linux', '/n/node', "/it's/pinpoint.js", '/st')).toBe(
      `#!/bin/sh\nPINPOINT_STATE_DIR='/st' exec '/n/node' '/it'\\''s/pinpoint.js' native-host "$@"\n`,
    )
    expect(launcherScript('win32', 'C:\\node.exe', 'C:\\p\\pinpoint.js')).toBe(
      '@echo off\r\n"C:\\node.exe" "C:\\p\\pinpoint.js" native-host %*\r\n',
    )
  })
})
