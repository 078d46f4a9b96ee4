import { describe, expect, it } from 'vitest'

import { windowOptions } from '../../../electron/shell/window-options.ts'

describe('windowOptions', () => {
  const options = windowOptions('/app/dist/electron/preload.cjs')
  const prefs = options.webPreferences

  it('loads the given preload', () => {
    expect(prefs.preload).toBe('/app/dist/electron/preload.cjs')
  })

  it('runs the page sandboxed and context-isolated, without Node', () => {
    expect(prefs.sandbox).toBe(true)
    expect(prefs.contextIsolation).toBe(true)
    expect(prefs.nodeIntegration).toBe(false)
    expect(prefs.nodeIntegrationInWorker).toBe(false)
    expect(prefs.nodeIntegrationInSubFrames).toBe(false)
  })

  it('keeps web security on and refuses insecure content and <webview>', () => {
    expect(prefs.webSecurity).toBe(true)
    expect(prefs.allowRunningInsecureContent).toBe(false)
    expect(prefs.webviewTag).toBe(false)
    expect(prefs.navigateOnDragDrop).toBe(false)
  })

  it('sets no other webPreferences, so nothing weaker slips in unreviewed', () => {
    expect(Object.keys(prefs).sort()).toEqual([
      'allowRunningInsecureContent',
      'contextIsolation',
      'navigateOnDragDrop',
      'nodeIntegration',
      'nodeIntegrationInSubFrames',
      'nodeIntegrationInWorker',
      'preload',
      'sandbox',
      'spellcheck',
      'webSecurity',
      'webviewTag',
    ])
  })

  it('creates the window hidden until it has painted', () => {
    expect(options.show).toBe(false)
  })
})
