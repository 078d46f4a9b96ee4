import { useEffect, useState } from 'react'

import type { Settings, SettingProblem as Problem } from '../../shared/settings.ts'
import { command } from '../commands.ts'

/**
 * Why a saved setting cannot be read, as a row of the settings grid under its field (an empty label cell, then
 * the message): asked of main each time the settings change, so the row goes away once the setting is saved
 * again.
 */
export function SettingProblem({ settingKey, settings }: { settingKey: string; settings: Settings }) {
  const [problem, setProblem] = useState<Problem | undefined>(undefined)
  useEffect(() => {
    let live = true
    void command('settings:problems', {}).then((all) => {
      if (live) setProblem(all?.find((p) => p.key === settingKey))
    })
    return () => {
      live = false
    }
  }, [settingKey, settings])
  if (!problem) return null
  return (
    <>
      <span aria-hidden="true" />
      <p role="alert" className="form-error" data-testid={`setting-problem-${settingKey}`}>
        {problem.message}
      </p>
    </>
  )
}
