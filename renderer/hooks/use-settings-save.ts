import { useCallback, useRef, useState } from 'react'

import type { SettingsPatch } from '../../shared/settings.ts'
import { api } from '../api.ts'
import { messageOf } from '../store/bootstrap.ts'

/** Where the last save stands, for the form's status line: what it says is what main answered. */
export type SaveStatus =
  { kind: 'idle' } | { kind: 'saving' } | { kind: 'saved'; at: number } | { kind: 'failed'; message: string }

/**
 * Save a settings patch through `settings:update` and report it: "Saved" only once main has answered with the
 * new settings, the reason when it refused. Only the latest save's answer is shown, so a slow earlier one
 * cannot overwrite it.
 */
export function useSettingsSave(): { status: SaveStatus; save: (patch: SettingsPatch) => Promise<boolean> } {
  const [status, setStatus] = useState<SaveStatus>({ kind: 'idle' })
  const latest = useRef(0)
  const save = useCallback(async (patch: SettingsPatch) => {
    const mine = ++latest.current
    setStatus({ kind: 'saving' })
    try {
      await api.invoke('settings:update', patch)
      if (mine === latest.current) setStatus({ kind: 'saved', at: Date.now() })
      return true
    } catch (err) {
      const message = messageOf(err).replace(/^settings:update: /, '')
      if (mine === latest.current) setStatus({ kind: 'failed', message })
      return false
    }
  }, [])
  return { status, save }
}
