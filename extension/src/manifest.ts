import { FIREFOX_EXTENSION_ID } from '../../shared/extension-id.ts'

/** The two manifests (Chromium-family and Firefox) come from this one source so they cannot drift apart. */

export type ExtensionTarget = 'chromium' | 'firefox'

/** The id `pinpoint integrate` allows in Firefox's native messaging manifest. */
export const FIREFOX_ID = FIREFOX_EXTENSION_ID

/** Cookies need host access to every site the user downloads from. */
export const PERMISSIONS = ['downloads', 'nativeMessaging', 'cookies', 'contextMenus', 'storage', 'scripting'] as const

export interface ManifestOptions {
  version: string
  /** The public key (base64 DER) that fixes the Chromium extension id; Firefox takes its id from gecko.id. */
  key?: string
}

export function buildManifest(target: ExtensionTarget, opts: ManifestOptions): Record<string, unknown> {
  const common = {
    manifest_version: 3,
    name: 'Pinpoint',
    description: 'Hands browser downloads to the Pinpoint download manager.',
    version: opts.version,
    permissions: [...PERMISSIONS],
    host_permissions: ['<all_urls>'],
    action: { default_popup: 'popup.html', default_title: 'Pinpoint' },
    icons: { '16': 'icons/16.png', '48': 'icons/48.png', '128': 'icons/128.png' },
  }
  if (target === 'firefox') {
    return {
      ...common,
      background: { scripts: ['background.js'] },
      browser_specific_settings: { gecko: { id: FIREFOX_ID } },
    }
  }
  return {
    ...common,
    ...(opts.key === undefined ? {} : { key: opts.key }),
    background: { service_worker: 'background.js' },
  }
}
