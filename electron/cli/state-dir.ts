import { homedir } from 'node:os'
import { join } from 'node:path'

/**
 * The default state folder, per platform: Electron's `app.getPath('userData')` for an app named Pinpoint, so
 * `pinpoint ls` sees the desktop app's downloads and the other way round.
 */
export function defaultStateDir(env: Record<string, string | undefined>, platform = process.platform): string {
  if (platform === 'win32') return join(env.APPDATA ?? join(homedir(), 'AppData', 'Roaming'), 'Pinpoint')
  if (platform === 'darwin') return join(homedir(), 'Library', 'Application Support', 'Pinpoint')
  return join(env.XDG_CONFIG_HOME || join(homedir(), '.config'), 'Pinpoint')
}
