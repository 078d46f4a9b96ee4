import { execFile } from 'node:child_process'
import { existsSync } from 'node:fs'
import { readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { promisify } from 'node:util'

import { afterAll, beforeAll, describe, expect, it } from 'vitest'

import { parseSignatureResult, serializeSignatureRequest } from '../../../shared/signature.ts'
import type { TransferRow } from '../../../electron/store/transfer-row.ts'
import { liveHashWorkers } from '../../../electron/engine/hash-worker.ts'
import { makeHarness, type Harness } from '../../fixtures/engine-harness.ts'
import { startNginx, type NginxServer } from '../../fixtures/nginx.ts'
import { makePayload } from '../../fixtures/payload.ts'
import { makeTempDir, removeTempDir } from '../../fixtures/temp-dir.ts'

const run = promisify(execFile)

// The engine with a signature to satisfy, against nginx: over one connection (digests fed by the writes) and
// over four (one read of the finished file), and a failed check that is put right and retried.
let nginx: NginxServer
let keys: string
let h: Harness
const payload = makePayload(2 * 1024 * 1024, 41)
const seen: Array<Pick<TransferRow, 'id' | 'state' | 'signatureResult'>> = []

beforeAll(async () => {
  keys = await makeTempDir('sig-engine')
  await writeFile(join(keys, 'f.bin'), payload)
  for (const k of ['a', 'b'])
    await run('minisign', ['-G', '-W', '-p', join(keys, `${k}.pub`), '-s', join(keys, `${k}.key`)])
  await run('minisign', ['-S', '-s', join(keys, 'a.key'), '-m', join(keys, 'f.bin'), '-t', 'engine test'])
  nginx = await startNginx({ files: { 'f.bin': payload, 'g.bin': payload } })
  h = await makeHarness({
    env: { onChange: (row) => seen.push({ id: row.id, state: row.state, signatureResult: row.signatureResult }) },
  })
}, 60_000)
afterAll(async () => {
  await h?.close()
  await nginx?.stop()
  await removeTempDir(keys)
})

const signature = async (key: string) =>
  serializeSignatureRequest({
    signature: { data: (await readFile(join(keys, 'f.bin.minisig'))).toString('base64'), name: 'f.bin.minisig' },
    keys: [await readFile(join(keys, key), 'utf8')],
  })

describe('the engine verifies the signature before the file gets its name', () => {
  it('over one connection and over four', async () => {
    for (const split of [1, 4]) {
      const url = `http://127.0.0.1:${nginx.port}/f.bin`
      const row = await h.download(url, { split, signature: await signature('a.pub') })
      expect(row.state).toBe('completed')
      expect(parseSignatureResult(row.signatureResult)).toMatchObject({
        status: 'verified',
        trustedComment: 'engine test',
      })
      expect((await readFile(row.savedPath as string)).equals(payload)).toBe(true)
    }
  })

  it('over one connection or four, the digests are taken as the file downloads, not by reading it back after', async () => {
    // The observation point: `confine` runs right before the check. A worker following the written file is
    // already there; one started to read the finished file would only start after it.
    const stateDir = await makeTempDir('sig-engine-state')
    const atCheck: number[] = []
    const own = await makeHarness({
      stateDir,
      env: {
        confine: async () => {
          if (own.store.transfers.listByState(['verifying']).length > 0) atCheck.push(liveHashWorkers())
        },
      },
    })
    try {
      const url = `http://127.0.0.1:${nginx.port}/f.bin`
      for (const split of [1, 4]) {
        const row = await own.download(url, { split, signature: await signature('a.pub') })
        expect(row.state).toBe('completed')
      }
      expect(atCheck).toEqual([1, 1])
      expect(liveHashWorkers()).toBe(0)
    } finally {
      await own.close()
      await removeTempDir(stateDir)
    }
  })

  it('fails with the .part kept, and once the right key is given a retry verifies without showing the old outcome', async () => {
    const url = `http://127.0.0.1:${nginx.port}/g.bin`
    const failed = await h.download(url, { signature: await signature('b.pub') })
    expect(failed.state).toBe('failed')
    expect(failed.errorCode).toBe('SIGNATURE_KEY_UNKNOWN')
    expect(parseSignatureResult(failed.signatureResult)?.status).toBe('failed')
    const target = failed.targetPath as string
    expect(existsSync(target)).toBe(false)
    expect(existsSync(`${target}.part`)).toBe(true)

    h.store.transfers.update(failed.id, { signature: await signature('a.pub') })
    seen.length = 0
    h.queue.resume([failed.id])
    const [done] = await h.queue.settled([failed.id])
    expect(done?.state).toBe('completed')
    expect(parseSignatureResult(done?.signatureResult ?? null)?.status).toBe('verified')
    const verifying = seen.filter((s) => s.id === failed.id && s.state === 'verifying')
    expect(verifying.length).toBeGreaterThan(0)
    expect(verifying.every((s) => s.signatureResult === null)).toBe(true)
  })
})
