import { existsSync } from 'node:fs'
import { mkdir } from 'node:fs/promises'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'

import { describe, expect, it } from 'vitest'

import { makeTempDir } from '../../fixtures/temp-dir.ts'
import { rawRequest } from './serve-client.ts'
import { spawnServe } from './serve-process.ts'

const root = fileURLToPath(new URL('../../../', import.meta.url))
const hasElectron = existsSync(join(root, 'node_modules', 'electron', 'path.txt'))

describe('npm start without Electron', () => {
  it.skipIf(hasElectron)('says so in one line, runs pinpoint serve and prints the URL', async () => {
    const dir = await makeTempDir('serve-start')
    await mkdir(join(dir, 'root'))
    const args = ['--port', '0', '--root', join(dir, 'root'), '--state-dir', join(dir, 'state')]
    // Its own process group, so a failed test can take down start.ts and the daemon it started together.
    const serve = spawnServe(process.execPath, [join(root, 'scripts', 'start.ts'), ...args], {
      env: { ...process.env, PINPOINT_NO_BROWSER: '1' },
      detached: true,
    })
    const { child, exited } = serve
    try {
      const url = await serve.url()
      expect(serve.stdout().split('\n')[0]).toMatch(/Electron's binary is not installed here/)
      expect((await rawRequest(Number(url.port), `/${url.search}`, {})).status).toBe(200)
      child.kill('SIGTERM')
      expect(await exited).toBe(8)
    } finally {
      // A failed check must not leave the daemon (start.ts's child) running after the test.
      if (child.exitCode === null && child.pid !== undefined) process.kill(-child.pid, 'SIGKILL')
    }
  })
})
