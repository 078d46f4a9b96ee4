import { basename, join } from 'node:path'

import { nameFromUrl } from '../engine/file-names.ts'
import { numbered } from '../engine/finalize.ts'
import { exists } from '../engine/target-path.ts'
import type { Store } from '../store/open-store.ts'

/**
 * Free names in one folder for downloads added again: `name`, `name (1)`, … with nothing on disk and no
 * transfer holding or planning it (its target, its saved file, or the name it was given), the same order the
 * engine's chooseTarget walks. Given as the new transfer's name, it is the name the engine then claims, so the
 * name shown before adding is the one the file gets (unless another program takes it in between, and then
 * the row shows the name it really got).
 *
 * One instance per request: names handed out are reserved, so two URLs of one request never get the same.
 */
export function freeNames(store: Store, dir: string): (name: string) => Promise<string> {
  const taken = new Set<string>()
  for (const row of store.transfers.list()) {
    if (row.targetPath !== null) taken.add(row.targetPath)
    if (row.savedPath !== null) taken.add(row.savedPath)
    if (row.state === 'completed' || row.state === 'canceled') continue
    // An unfinished one that has not heard from its server yet will most likely take its URL's name.
    taken.add(join(row.dir, row.name ?? urlName(row.url)))
  }
  return async (name) => {
    const wanted = join(dir, name)
    for (let n = 0; n < 10_000; n++) {
      const candidate = n === 0 ? wanted : numbered(wanted, n)
      if (taken.has(candidate) || (await exists(candidate))) continue
      taken.add(candidate)
      return basename(candidate)
    }
    return name
  }
}

function urlName(url: string): string {
  try {
    return nameFromUrl(new URL(url))
  } catch {
    return ''
  }
}
