import { statSync } from 'node:fs'
import { dirname } from 'node:path'

/**
 * The nearest existing path at or above `dir`, when it is not a folder: what stands in the way of making or
 * reading a folder there, named so the message can say which file it is.
 */
export function fileOnPath(dir: string): string | undefined {
  for (let path = dir; ; path = dirname(path)) {
    const st = statSync(path, { throwIfNoEntry: false })
    if (st) return st.isDirectory() ? undefined : path
    if (dirname(path) === path) return undefined
  }
}

/** "X is a file, not a folder", or "X: F is a file, not a folder" when the file F is further up X's path. */
export function notAFolder(what: string, dir: string, file: string): string {
  return `${what} ${dir}${file === dir ? '' : `: ${file}`} is a file, not a folder`
}
