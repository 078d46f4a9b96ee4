import { realpath } from 'node:fs/promises'
import { isAbsolute, relative, resolve, sep } from 'node:path'

/**
 * The folder's real path if it lies inside one of the roots (themselves resolved), else an error.
 *
 * Real paths on both sides, so neither a symlink inside a root nor `..` can lead a download elsewhere.
 */
export async function confineToRoots(path: string, roots: readonly string[]): Promise<string> {
  let real: string
  try {
    real = await realpath(resolve(path))
  } catch {
    throw new Error(`the folder ${path} does not exist`)
  }
  for (const root of roots) {
    const base = await realpath(root).catch(() => undefined)
    if (base !== undefined && inside(real, base)) return real
  }
  throw new Error(`the folder ${path} is outside every --root folder of this server`)
}

function inside(path: string, root: string): boolean {
  const rel = relative(root, path)
  return rel === '' || (!rel.startsWith(`..${sep}`) && rel !== '..' && !isAbsolute(rel))
}
