import { categoryIds, categoryLabels, type Categories } from '../../shared/categories.ts'
import type { Handlers, RequestChannel } from '../../shared/ipc.ts'
import type { SettingsPatch } from '../../shared/settings.ts'
import type { FolderTokens } from './folder-tokens.ts'
import type { SettingsChange, SettingsService } from './settings-service.ts'

export type SettingsHandlers = Pick<Handlers, Extract<RequestChannel, `settings:${string}`>>

export function settingsHandlers(deps: { settings: SettingsService; folders: FolderTokens }): SettingsHandlers {
  return {
    'settings:get': async () => deps.settings.get(),
    async 'settings:update'({ downloadFolder, category, ...rest }) {
      const change: SettingsChange = { ...rest }
      if (downloadFolder !== undefined) {
        const dir = deps.folders.resolve(downloadFolder)
        if (dir === undefined) {
          throw new Error('settings:update: downloadFolder: not a known folder token; choose the folder again')
        }
        change.downloadDir = dir
      }
      if (category !== undefined) change.categories = categoryChange(deps, category)
      return deps.settings.update(change)
    },
    'settings:problems': async () => deps.settings.problems(),
  }
}

/** The categories with one changed; its folder comes from a token, as the download folder's does. */
function categoryChange(
  deps: { settings: SettingsService; folders: FolderTokens },
  { id, extensions, folder }: NonNullable<SettingsPatch['category']>,
): Categories {
  const categories = deps.settings.get().categories
  const before = categories[id]
  let dir = before.dir
  if (folder !== undefined) {
    dir = folder === null ? null : (deps.folders.resolve(folder) ?? null)
    if (folder !== null && dir === null) {
      throw new Error(`settings:update: category.folder: not a known folder token; choose the folder again`)
    }
  }
  // Other takes what no category lists, so it never lists any itself.
  const listed = id === 'other' ? [] : (extensions ?? before.extensions)
  for (const ext of listed) {
    const owner = categoryIds.find((other) => other !== id && categories[other].extensions.includes(ext))
    if (owner !== undefined) {
      throw new Error(`settings:update: category.extensions: ${ext} is already in ${categoryLabels[owner]}`)
    }
  }
  return { ...categories, [id]: { extensions: listed, dir } }
}
