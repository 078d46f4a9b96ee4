import type { Handlers } from '../../shared/ipc.ts'
import { isPinpointError, PinpointError } from '../../shared/pinpoint-error.ts'
import { nameSubFolder } from '../serve/roots.ts'
import type { Desktop } from './desktop.ts'
import type { FolderTokens } from './folder-tokens.ts'

export type FolderHandlers = Pick<Handlers, 'app:info' | 'folders:name'>

/**
 * What the shell offers, and folders named by text where there is no dialog (`pinpoint serve`).
 *
 * A refused name is an answer, not an exception: the page shows it next to the field the user typed in.
 * Only a name inside a root gets a token, so `transfers:add` and `settings:update` need no new checks.
 */
export function folderHandlers(deps: { desktop: Desktop; folders: FolderTokens }): FolderHandlers {
  const headless = deps.desktop.headless
  return {
    async 'app:info'() {
      if (headless === undefined) return { shell: 'desktop', roots: [], revealUnavailable: null }
      return { shell: 'serve', roots: [...headless.roots], revealUnavailable: headless.notOffered }
    },
    async 'folders:name'({ root, sub }) {
      try {
        if (headless === undefined) {
          throw new PinpointError('BAD_INPUT', 'the desktop app does not name folders by text: use the folder dialog')
        }
        const base = headless.roots[root]
        if (base === undefined) {
          const count = headless.roots.length
          throw new PinpointError('BAD_INPUT', `no root folder ${root}: this server has ${count} (numbered from 0)`)
        }
        const path = await nameSubFolder(base, sub, headless.roots)
        return { ok: true, token: deps.folders.issue(path), label: path }
      } catch (err) {
        if (isPinpointError(err)) return { ok: false, error: { code: err.code, message: err.message } }
        throw err
      }
    },
  }
}
