import type { Handlers, RequestChannel } from '../../shared/ipc.ts'
import type { FolderTokens } from './folder-tokens.ts'
import type { SettingsChange, SettingsService } from './settings-service.ts'

export type SettingsHandlers = Pick<Handlers, Extract<RequestChannel, `settings:${string}`>>

export function settingsHandlers(deps: { settings: SettingsService; folders: FolderTokens }): SettingsHandlers {
  return {
    'settings:get': async () => deps.settings.get(),
    async 'settings:update'({ downloadFolder, ...rest }) {
      const change: SettingsChange = { ...rest }
      if (downloadFolder !== undefined) {
        const dir = deps.folders.resolve(downloadFolder)
        if (dir === undefined) {
          throw new Error('settings:update: downloadFolder: not a known folder token; choose the folder again')
        }
        change.downloadDir = dir
      }
      return deps.settings.update(change)
    },
  }
}
