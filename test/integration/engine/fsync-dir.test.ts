import { mkdir, rm } from 'node:fs/promises'
import { join } from 'node:path'

import { describe, expect, it } from 'vitest'

import { fsyncDir } from '../../../electron/engine/finalize.ts'
import { makeTempDir } from '../../fixtures/temp-dir.ts'

describe('fsyncDir shares syncs between callers (group commit)', () => {
  it('every caller of a burst is answered, and the folder can be synced again afterwards', async () => {
    const dir = await makeTempDir('fsync-dir')
    await Promise.all(Array.from({ length: 16 }, () => fsyncDir(dir)))
    await fsyncDir(dir)
  })

  it('a failure reaches every caller that shared the sync, and does not stick to the folder', async () => {
    const base = await makeTempDir('fsync-dir')
    const dir = join(base, 'gone')
    const burst = Array.from({ length: 4 }, () => fsyncDir(dir))
    const results = await Promise.allSettled(burst)
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected', 'rejected', 'rejected'])
    await mkdir(dir)
    await fsyncDir(dir)
    await rm(dir, { recursive: true })
    await expect(fsyncDir(dir)).rejects.toMatchObject({ code: 'ENOENT' })
  })
})
