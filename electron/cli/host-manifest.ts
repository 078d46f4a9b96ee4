import { posix, win32 } from 'node:path'

import { EXTENSION_ID, FIREFOX_EXTENSION_ID, NATIVE_HOST_NAME } from '../../shared/extension-id.ts'

export const BROWSERS = ['chromium', 'chrome', 'edge', 'brave', 'firefox'] as const
export type Browser = (typeof BROWSERS)[number]
export type HostOs = 'linux' | 'darwin' | 'win32'

/**
 * Where a browser looks for a native messaging host's manifest. On Windows the browser reads a registry key
 * whose default value is the manifest's path; the key is returned as data (the manifest file itself can be
 * anywhere, so it goes in Pinpoint's own folder).
 */
export interface HostManifestLocation {
  browser: Browser
  /** The folder the browser searches (Linux, macOS), or where the manifest is kept (Windows). */
  dir: string
  manifestPath: string
  /** The browser's profile root: its presence means the browser is installed for this user. */
  browserRoot: string
  registryKey?: string
}

const LINUX: Record<Browser, [root: string, hosts: string]> = {
  chromium: ['.config/chromium', 'NativeMessagingHosts'],
  chrome: ['.config/google-chrome', 'NativeMessagingHosts'],
  edge: ['.config/microsoft-edge', 'NativeMessagingHosts'],
  brave: ['.config/BraveSoftware/Brave-Browser', 'NativeMessagingHosts'],
  firefox: ['.mozilla', 'native-messaging-hosts'],
}
const MAC: Record<Browser, [root: string, hosts: string]> = {
  chromium: ['Library/Application Support/Chromium', 'NativeMessagingHosts'],
  chrome: ['Library/Application Support/Google/Chrome', 'NativeMessagingHosts'],
  edge: ['Library/Application Support/Microsoft Edge', 'NativeMessagingHosts'],
  brave: ['Library/Application Support/BraveSoftware/Brave-Browser', 'NativeMessagingHosts'],
  firefox: ['Library/Application Support/Mozilla', 'NativeMessagingHosts'],
}
const WINDOWS: Record<Browser, [root: string, key: string]> = {
  chromium: ['AppData/Local/Chromium', 'Software\\Chromium\\NativeMessagingHosts'],
  chrome: ['AppData/Local/Google/Chrome', 'Software\\Google\\Chrome\\NativeMessagingHosts'],
  edge: ['AppData/Local/Microsoft/Edge', 'Software\\Microsoft\\Edge\\NativeMessagingHosts'],
  brave: ['AppData/Local/BraveSoftware/Brave-Browser', 'Software\\BraveSoftware\\Brave-Browser\\NativeMessagingHosts'],
  firefox: ['AppData/Roaming/Mozilla', 'Software\\Mozilla\\NativeMessagingHosts'],
}

/** A pure function of the OS, the browser and the home folder, so every platform's answer is tested anywhere. */
export function hostManifestLocations(os: HostOs, browser: Browser, home: string): HostManifestLocation {
  const file = `${NATIVE_HOST_NAME}.json`
  if (os === 'win32') {
    const [root, key] = WINDOWS[browser]
    const dir = win32.join(home, 'AppData', 'Roaming', 'Pinpoint', 'NativeMessagingHosts', browser)
    return {
      browser,
      dir,
      manifestPath: win32.join(dir, file),
      browserRoot: win32.join(home, ...root.split('/')),
      registryKey: `HKEY_CURRENT_USER\\${key}\\${NATIVE_HOST_NAME}`,
    }
  }
  const [root, hosts] = (os === 'darwin' ? MAC : LINUX)[browser]
  const browserRoot = posix.join(home, root)
  const dir = posix.join(browserRoot, hosts)
  return { browser, dir, manifestPath: posix.join(dir, file), browserRoot }
}

/**
 * The host manifest. Chromium-based browsers allow callers by origin, Firefox by extension id; either way only
 * Pinpoint's own extension may start the host. `path` must be absolute and takes no arguments.
 */
export function hostManifest(browser: Browser, hostPath: string, extensionId = EXTENSION_ID): object {
  const common = {
    name: NATIVE_HOST_NAME,
    description: 'Pinpoint: takes over downloads from the browser',
    path: hostPath,
    type: 'stdio',
  }
  if (browser === 'firefox') return { ...common, allowed_extensions: [FIREFOX_EXTENSION_ID] }
  if (!/^[a-p]{32}$/.test(extensionId)) throw new Error(`"${extensionId}" is not a Chromium extension id`)
  return { ...common, allowed_origins: [`chrome-extension://${extensionId}/`] }
}

/** The launcher the manifest points at: a manifest cannot pass arguments, so this script adds them. */
export function launcherScript(os: HostOs, node: string, script: string, stateDir?: string): string {
  if (os === 'win32') {
    const env = stateDir === undefined ? '' : `set "PINPOINT_STATE_DIR=${stateDir}"\r\n`
    return `@echo off\r\n${env}"${node}" "${script}" native-host %*\r\n`
  }
  const q = (s: string) => `'${s.replaceAll("'", `'\\''`)}'`
  const env = stateDir === undefined ? '' : `PINPOINT_STATE_DIR=${q(stateDir)} `
  return `#!/bin/sh\n${env}exec ${q(node)} ${q(script)} native-host "$@"\n`
}

export const launcherName = (os: HostOs) => (os === 'win32' ? 'pinpoint-native-host.cmd' : 'pinpoint-native-host')
