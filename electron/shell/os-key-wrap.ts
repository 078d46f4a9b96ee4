import { safeStorage } from 'electron'

import type { KeyWrap } from '../store/secret-key.ts'

/**
 * The credentials key wrapped by the OS through Electron's safeStorage (the keychain, DPAPI, the Secret
 * Service), or undefined where that would protect nothing more than the key file's 0600: with no keyring on
 * Linux, safeStorage falls back to a password built into Chromium ('basic_text').
 *
 * Call after the app is ready, as safeStorage requires.
 */
export function osKeyWrap(): KeyWrap | undefined {
  if (!safeStorage.isEncryptionAvailable()) return undefined
  if (process.platform === 'linux') {
    const backend = safeStorage.getSelectedStorageBackend()
    if (backend === 'basic_text' || backend === 'unknown') return undefined
  }
  return {
    wrap: (key) => safeStorage.encryptString(key.toString('base64')),
    unwrap: (blob) => Buffer.from(safeStorage.decryptString(blob), 'base64'),
  }
}
