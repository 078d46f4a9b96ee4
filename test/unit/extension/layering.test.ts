import { join } from 'node:path'
import { fileURLToPath } from 'node:url'

import { ESLint } from 'eslint'
import { describe, expect, it } from 'vitest'

/** The extension runs only in the browser: ESLint must refuse Node, Electron and electron/ imports in it. */
const root = fileURLToPath(new URL('../../..', import.meta.url))
const eslint = new ESLint({ cwd: root })

async function complaints(code: string): Promise<string[]> {
  const [result] = await eslint.lintText(`${code}\n`, { filePath: join(root, 'extension/src/probe.ts') })
  return (result?.messages ?? []).filter((m) => m.ruleId === 'no-restricted-imports').map((m) => m.message)
}

describe('extension layering', () => {
  it.each([
    "import { readFile } from 'node:fs/promises'",
    "import { app } from 'electron'",
    "import { openCore } from '../../electron/core/open-core.ts'",
  ])('refuses %s', async (code) => {
    expect(await complaints(code)).toHaveLength(1)
  })

  it('allows shared/ and its own files', async () => {
    expect(await complaints("import { Cookie } from '../../shared/cookies.ts'")).toEqual([])
    expect(await complaints("import { decideCapture } from './rules.ts'")).toEqual([])
  })
})
