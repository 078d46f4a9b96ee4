import { describe, expect, it } from 'vitest'

import { isNativeHostLaunch } from '../../../electron/shell/native-host-launch.ts'
import { EXTENSION_ID, FIREFOX_EXTENSION_ID } from '../../../shared/extension-id.ts'

describe('the app started as the native messaging host', () => {
  it("is told by the browser's arguments for our extension: Chromium's origin, Firefox's add-on id", () => {
    expect(isNativeHostLaunch(['/opt/Pinpoint/pinpoint', `chrome-extension://${EXTENSION_ID}/`])).toBe(true)
    // Windows Chrome adds the parent window's handle after the origin.
    expect(isNativeHostLaunch(['C:\\Pinpoint.exe', `chrome-extension://${EXTENSION_ID}/`, '--parent-window=0'])).toBe(
      true,
    )
    const manifest = '/home/u/.mozilla/native-messaging-hosts/org.pinpoint.native.json'
    expect(isNativeHostLaunch(['/opt/Pinpoint/pinpoint', manifest, FIREFOX_EXTENSION_ID])).toBe(true)
  })

  it('is not, for a plain start, a link, or another extension', () => {
    expect(isNativeHostLaunch(['/opt/Pinpoint/pinpoint'])).toBe(false)
    expect(isNativeHostLaunch(['/opt/Pinpoint/pinpoint', '--', 'pinpoint://add?url=https%3A%2F%2Fa.test%2Fx'])).toBe(
      false,
    )
    expect(isNativeHostLaunch(['/opt/Pinpoint/pinpoint', `chrome-extension://${'a'.repeat(32)}/`])).toBe(false)
    expect(isNativeHostLaunch(['/opt/Pinpoint/pinpoint', `https://a.test/chrome-extension://${EXTENSION_ID}/`])).toBe(
      false,
    )
  })
})
