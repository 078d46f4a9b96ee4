import type { Emit } from '../../shared/ipc.ts'
import { settingDefaults, settingFields, settingKeys, Settings } from '../../shared/settings.ts'
import type { Store } from '../store/open-store.ts'
import { keepProxyPassword, withoutProxyPassword } from './proxy-password.ts'

/** A change main applies: the renderer's patch with its folder token already turned into a path. */
export type SettingsChange = Partial<Settings>

export interface SettingsService {
  get(): Settings
  /** Persist the changed keys, then tell the renderer (`settings:changed`) and every listener. */
  update(change: SettingsChange): Settings
  /** For main to apply a change (maxActive to the queue, limitRate to the limiter, startAtLogin to the OS). */
  onChange(listener: (next: Settings, previous: Settings) => void): () => void
}

/**
 * The settings, one store key per field.
 *
 * Each stored value is read back through its field's schema, so a value that another version wrote, or that
 * was edited by hand, falls back to that field's default instead of taking every setting down with it.
 */
export function createSettingsService(deps: {
  store: Pick<Store, 'settings' | 'transaction'>
  /** The download folder until the user picks one (the OS's Downloads folder). */
  defaultDownloadDir: string
  emit: Emit
}): SettingsService {
  const listeners = new Set<(next: Settings, previous: Settings) => void>()
  const defaults: Settings = { downloadDir: deps.defaultDownloadDir, ...settingDefaults }

  const read = (): Settings => {
    const values: Record<string, unknown> = {}
    for (const key of settingKeys) {
      const parsed = settingFields[key].safeParse(deps.store.settings.get(key))
      values[key] = parsed.success ? parsed.data : defaults[key]
    }
    return Settings.parse(values)
  }

  return {
    get: () => withoutProxyPassword(read()),
    update(change) {
      const previous = read()
      // Parse the whole result first, so an invalid value is refused before anything is written.
      const next = Settings.parse({ ...previous, ...stripUndefined(keepProxyPassword(change, previous)) })
      deps.store.transaction(() => {
        for (const key of settingKeys) if (next[key] !== previous[key]) deps.store.settings.set(key, next[key])
      })
      deps.emit('settings:changed', withoutProxyPassword(next))
      for (const l of listeners) l(next, previous)
      return withoutProxyPassword(next)
    },
    onChange(listener) {
      listeners.add(listener)
      return () => listeners.delete(listener)
    },
  }
}

function stripUndefined(change: SettingsChange): SettingsChange {
  return Object.fromEntries(Object.entries(change).filter(([, v]) => v !== undefined))
}
