import { randomBytes } from 'node:crypto'
import { isAbsolute } from 'node:path'

import { FolderToken } from '../../shared/settings.ts'

/**
 * Opaque names for folders main chose, so the renderer can say "save there" without ever holding a path.
 *
 * Tokens are 128 random bits and live for this run only: a page cannot guess one, and one it saw cannot
 * outlive the dialog choice that made it. The same folder keeps its token, so the map grows only with the
 * folders the user actually picked.
 */
export interface FolderTokens {
  /** The token for an absolute path that main chose (the dialog, or the settings' download folder). */
  issue(path: string): FolderToken
  /** The path behind a token, or undefined for a token this run never issued. */
  resolve(token: string): string | undefined
}

export function createFolderTokens(random: (n: number) => Buffer = randomBytes): FolderTokens {
  const byToken = new Map<string, string>()
  const byPath = new Map<string, FolderToken>()
  return {
    issue(path) {
      if (!isAbsolute(path)) throw new Error(`folder tokens are only for absolute paths, not ${JSON.stringify(path)}`)
      const known = byPath.get(path)
      if (known) return known
      const token = FolderToken.parse(`folder-${random(16).toString('base64url')}`)
      byToken.set(token, path)
      byPath.set(path, token)
      return token
    },
    resolve: (token) => byToken.get(token),
  }
}
