import { Menu, Tray, nativeImage, type NativeImage } from 'electron'

import type { TransferView } from '../../shared/transfer.ts'
import { TRAY_ICONS, trayMenuItems, trayState, type TrayActions, type TrayIcon } from './tray-state.ts'

/**
 * The tray icon: Electron's side only. What it shows (icon, tooltip, menu) comes from `tray-state.ts`.
 */

export interface TrayOptions extends TrayActions {
  /** PNG per state, each with an `@2x` sibling; see `trayIconPaths`. */
  readonly icons: Readonly<Record<TrayIcon, string>>
}

export interface PinpointTray {
  /** Call with the whole list of transfers after each change-feed batch. */
  update(transfers: readonly TransferView[]): void
  destroy(): void
}

export function createTray(options: TrayOptions): PinpointTray {
  const images = Object.fromEntries(
    TRAY_ICONS.map((icon) => {
      const image = nativeImage.createFromPath(options.icons[icon])
      // An empty image makes an invisible tray icon rather than an error, so say why the tray looks empty.
      if (image.isEmpty()) console.warn(`pinpoint: tray icon not found or unreadable: ${options.icons[icon]}`)
      return [icon, image]
    }),
  ) as Record<TrayIcon, NativeImage>

  let shown = trayState([])
  const tray = new Tray(images[shown.icon])
  tray.setToolTip(shown.tooltip)
  tray.setContextMenu(Menu.buildFromTemplate(trayMenuItems(options)))
  // Windows users expect a click on the tray icon to bring the window back; macOS opens the menu on click, and most
  // Linux panels (AppIndicator) only ever show the menu.
  if (process.platform === 'win32') tray.on('click', () => options.onShow())

  return {
    update(transfers) {
      if (tray.isDestroyed()) return
      const next = trayState(transfers)
      // Both calls reach the OS (a D-Bus message on Linux), and updates come several times a second.
      if (next.icon !== shown.icon) tray.setImage(images[next.icon])
      if (next.tooltip !== shown.tooltip) tray.setToolTip(next.tooltip)
      shown = next
    },
    destroy() {
      if (!tray.isDestroyed()) tray.destroy()
    },
  }
}
