import { categoryFolder, type Categories } from '../../shared/categories.ts'
import { settingFields, settingDefaults } from '../../shared/settings.ts'
import type { Store } from '../store/open-store.ts'
import type { AddRequest, AddResult } from './add-downloads.ts'

/**
 * An add without a folder of the user's choosing, sorted by type: each URL goes to its category's folder
 * (shared/categories.ts, from the name the URL ends in), or to `req.dir` when its category has none. Each folder's
 * URLs are one add, with every rule of the add path (de-duplication is per folder, so the same URL added again
 * lands in the same folder and is the same download). Rows come folder by folder, each in input order.
 */
export async function addByCategory<D extends { store: Store }>(
  deps: D,
  req: AddRequest,
  add: (deps: D, req: AddRequest) => Promise<AddResult>,
): Promise<AddResult> {
  const categories = savedCategories(deps.store)
  const byDir = new Map<string, string[]>()
  // A checksum is for one URL: several with one are refused together by the add path, never split apart.
  const split = req.checksum === undefined || req.urls.length === 1
  for (const url of req.urls) {
    const dir = (split ? categoryFolder(url, categories) : null) ?? req.dir
    byDir.set(dir, [...(byDir.get(dir) ?? []), url])
  }
  const merged: AddResult = { added: [], existing: [], done: [], skipped: [], rejected: [], rows: [] }
  for (const [dir, urls] of byDir) {
    const one = await add(deps, { ...req, urls, dir, byCategory: false })
    for (const key of ['added', 'existing', 'done', 'skipped', 'rejected', 'rows'] as const) {
      ;(merged[key] as unknown[]).push(...one[key])
    }
  }
  return merged
}

/** The categories saved in this state folder (the app's settings), or the defaults. */
export function savedCategories(store: Store): Categories {
  const saved = settingFields.categories.safeParse(store.settings.get('categories'))
  return saved.success ? saved.data : settingDefaults.categories
}
