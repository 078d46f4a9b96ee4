import type { Handlers } from '../../shared/ipc.ts'
import { checkDownloadUrl } from '../../shared/links.ts'
import type { Store } from '../store/open-store.ts'
import { parseLinks } from './parse-links.ts'

export type LinkHandlers = Pick<Handlers, 'links:parse'>

/** Dropped and pasted text is parsed here, in main, so the page never decides what counts as a link. */
export function linkHandlers(deps: { store: Store }): LinkHandlers {
  return {
    async 'links:parse'({ text, kind }) {
      const queued = new Set<string>()
      for (const row of deps.store.transfers.list()) {
        const checked = checkDownloadUrl(row.url)
        queued.add(checked.ok ? checked.url : row.url)
      }
      return parseLinks(text, kind, (url) => queued.has(url))
    },
  }
}
