import { EXTENSION_ID, FIREFOX_EXTENSION_ID } from '../../shared/extension-id.ts'

/**
 * Whether the packaged app was started by a browser as the extension's native messaging host. A manifest names
 * an executable and no arguments, so the app tells from what the browser appends: Chromium-family browsers pass
 * the calling extension's origin (`chrome-extension://<id>/`), Firefox the manifest's path and the add-on's id.
 * Only our own extension's id counts: any other caller gets the app as usual, never a host speaking on stdio.
 */
export function isNativeHostLaunch(argv: readonly string[]): boolean {
  return argv.some((arg) => arg === `chrome-extension://${EXTENSION_ID}/` || arg === FIREFOX_EXTENSION_ID)
}
