import type { Handlers } from '../../shared/ipc.ts'
import type { Desktop } from './desktop.ts'
import type { FolderTokens } from './folder-tokens.ts'

export type DialogHandlers = Pick<Handlers, 'dialog:chooseFolder'>

/** The only way a folder reaches main from the UI: the user picks it in main's own dialog. */
export function dialogHandlers(deps: { desktop: Desktop; folders: FolderTokens }): DialogHandlers {
  return {
    async 'dialog:chooseFolder'() {
      const path = await deps.desktop.chooseFolder()
      return path === undefined ? null : { token: deps.folders.issue(path), label: path }
    },
  }
}
