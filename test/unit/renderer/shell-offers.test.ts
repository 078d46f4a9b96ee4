import { describe, expect, it } from 'vitest'

import { shellOffers } from '../../../renderer/store/settings-slice.ts'

describe('what the settings offer in each shell', () => {
  it('the app has its folder dialog and the desktop-only switches', () => {
    expect(shellOffers({ shell: 'desktop', roots: [], revealUnavailable: null })).toEqual({
      folderDialog: true,
      startAtLogin: true,
      closeToTray: true,
      notifications: true,
    })
  })

  it('a browser on pinpoint serve names folders in the roots and has none of the desktop switches', () => {
    expect(shellOffers({ shell: 'serve', roots: ['/srv/dl'], revealUnavailable: 'not here' })).toEqual({
      folderDialog: false,
      startAtLogin: false,
      closeToTray: false,
      notifications: false,
    })
  })

  it('before app:info answers, no switch is shown that could then vanish', () => {
    expect(shellOffers(null)).toMatchObject({ startAtLogin: false, closeToTray: false, notifications: false })
  })
})
