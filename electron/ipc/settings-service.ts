import type { Emit } from '../../shared/ipc.ts'
import {
  readDnsSetting,
  settingDefaults,
  settingFields,
  settingKeys,
  Settings,
  type SettingProblem,
} from '../../shared/settings.ts'
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
  /** The saved settings that do not parse, each with what is done instead. */
  problems(): SettingProblem[]
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

  const service: SettingsService = {
    get: () => withoutProxyPassword(read()),
    update(change) {
      const previous = read()
      // Parse the whole result first, so an invalid value is refused before anything is written.
      const next = Settings.parse({ ...previous, ...stripUndefined(keepProxyPassword(change, previous)) })
      // A saved value that cannot be read stays as it is (and stays reported) until it is itself set again: a
      // change to another setting must not quietly replace it with the default.
      const unreadable = new Set(service.problems().map((p) => p.key))
      deps.store.transaction(() => {
        for (const key of settingKeys) {
          if (unreadable.has(key) && change[key] === undefined) continue
          if (next[key] !== previous[key]) deps.store.settings.set(key, next[key])
        }
      })
      deps.emit('settings:changed', withoutProxyPassword(next))
      for (const l of listeners) l(next, previous)
      return withoutProxyPassword(next)
    },
    problems() {
      const found: SettingProblem[] = []
      for (const key of settingKeys) {
        const stored = deps.store.settings.get(key)
        if (key === 'dns') {
          const dns = readDnsSetting(stored)
          if (!dns.ok) found.push({ key, message: dns.message })
        } else if (stored !== undefined && !settingFields[key].safeParse(stored).success) {
          found.push({ key, message: `the saved value cannot be read; the default is used until it is set again` })
        }
      }
      return found
    },
    onChange(listener) {
      listeners.add(listener)
      return () => listeners.delete(listener)
    },
  }
  return service
}

function stripUndefined(change: SettingsChange): SettingsChange {
  return Object.fromEntries(Object.entries(change).filter(([, v]) => v !== undefined))
}
