import { describe, expect, it } from 'vitest'

import { buildManifest, FIREFOX_ID, PERMISSIONS } from '../../../extension/src/manifest.ts'

describe('buildManifest', () => {
  const chromium = buildManifest('chromium', { version: '1.2.3', key: 'MIIBIjANBgkq' })
  const firefox = buildManifest('firefox', { version: '1.2.3', key: 'MIIBIjANBgkq' })

  it('gives Chromium a service worker and the key that fixes its id', () => {
    expect(chromium['manifest_version']).toBe(3)
    expect(chromium['background']).toEqual({ service_worker: 'background.js' })
    expect(chromium['key']).toBe('MIIBIjANBgkq')
    expect(chromium).not.toHaveProperty('browser_specific_settings')
  })

  it('gives Firefox background scripts and its gecko id instead', () => {
    expect(firefox['manifest_version']).toBe(3)
    expect(firefox['background']).toEqual({ scripts: ['background.js'] })
    expect(firefox['browser_specific_settings']).toEqual({ gecko: { id: FIREFOX_ID } })
    expect(firefox).not.toHaveProperty('key')
  })

  it('asks both browsers for the same permissions and host access, and nothing more', () => {
    for (const m of [chromium, firefox]) {
      expect(m['permissions']).toEqual([
        'downloads',
        'nativeMessaging',
        'cookies',
        'contextMenus',
        'storage',
        'scripting',
      ])
      expect(m['host_permissions']).toEqual(['<all_urls>'])
      expect(m['version']).toBe('1.2.3')
      expect(m['action']).toEqual({ default_popup: 'popup.html', default_title: 'Pinpoint' })
    }
    expect(PERMISSIONS).toHaveLength(6)
  })

  it('leaves the key out when none is given', () => {
    expect(buildManifest('chromium', { version: '1.0.0' })).not.toHaveProperty('key')
  })

  it('differs between the two only in background, key and browser_specific_settings', () => {
    const strip = (m: Record<string, unknown>) => {
      const { background: _b, key: _k, browser_specific_settings: _s, ...rest } = m
      return rest
    }
    expect(strip(chromium)).toEqual(strip(firefox))
  })
})
