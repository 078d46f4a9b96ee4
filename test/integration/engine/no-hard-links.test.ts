import { execFile } from 'node:child_process'
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'

import { afterAll, beforeAll, describe, expect, it } from 'vitest'

import { completeLink, finalizePart } from '../../../electron/engine/finalize.ts'
import { isLocalDir } from '../../../electron/engine/local-fs.ts'
import { startFaultServer, type FaultServer } from '../../fixtures/fault-server.ts'
import { makePayload, sha256 } from '../../fixtures/payload.ts'
import { runCli } from '../../fixtures/run-cli.ts'

// An exFAT filesystem (FUSE, on a loop device over an image file; needs root, exfat-fuse and exfatprogs), the
// format of most USB drives: it has no hard links, so link() answers EPERM and finalizing must still work.
const run = promisify(execFile)
let server: FaultServer
let mnt: string | undefined
let loop: string | undefined
let why = ''

beforeAll(async () => {
  server = await startFaultServer()
  const base = await mkdtemp(join(tmpdir(), 'pinpoint-exfat-'))
  const image = join(base, 'drive.img')
  try {
    await run('truncate', ['-s', '32M', image])
    await run('mkfs.exfat', [image])
    loop = (await run('losetup', ['-f', '--show', image])).stdout.trim()
    const dir = join(base, 'mnt')
    await run('mkdir', [dir])
    await run('mount.exfat-fuse', [loop, dir])
    mnt = dir
  } catch (err) {
    why = `cannot mount an exFAT drive here (${(err as Error).message.split('\n')[0]}); needs root and exfat-fuse`
  }
})
afterAll(async () => {
  await server.close()
  if (mnt) await run('umount', [mnt]).catch(() => {})
  if (loop) await run('losetup', ['-d', loop]).catch(() => {})
})

describe('a download folder on a filesystem without hard links (exFAT)', () => {
  it('is not taken for a local disk: calls there stay off the main thread, where a stalled drive would block it', async (ctx) => {
    if (!mnt) return ctx.skip(why)
    expect(await isLocalDir(mnt)).toBe(false)
  })

  it('saves the file, and a second download of it takes the next free name instead of overwriting', async (ctx) => {
    if (!mnt) return ctx.skip(why)
    const body = makePayload(300_000, 31)
    server.serve('/usb.bin', { body })
    const dir = join(mnt, 'downloads')
    for (const _ of [1, 2]) {
      // A fresh state folder each time: the second run is a new download, not "already downloaded".
      const r = await runCli(['get', '-d', dir, server.url('/usb.bin')])
      expect(r.code, r.stderr).toBe(0)
    }
    expect((await readdir(dir)).sort()).toEqual(['usb (1).bin', 'usb.bin'])
    for (const name of ['usb.bin', 'usb (1).bin']) expect(sha256(await readFile(join(dir, name)))).toBe(sha256(body))
  })

  it('never replaces a file that is there, and a crash between placeholder and rename is finished', async (ctx) => {
    if (!mnt) return ctx.skip(why)
    const dir = join(mnt, 'crash')
    await run('mkdir', [dir])
    await writeFile(join(dir, 'keep.txt'), 'the user file')
    await writeFile(join(dir, 'keep.txt.part'), 'new bytes')
    const saved = await finalizePart(join(dir, 'keep.txt.part'), join(dir, 'keep.txt'))
    expect(saved).toBe(join(dir, 'keep (1).txt'))
    expect(await readFile(join(dir, 'keep.txt'), 'utf8')).toBe('the user file')
    expect(await readFile(saved, 'utf8')).toBe('new bytes')

    // The state a crash after the placeholder and before the rename leaves: the recorded name is empty.
    await writeFile(join(dir, 'half.bin.part'), 'all of it')
    await writeFile(join(dir, 'half.bin'), '')
    expect(await completeLink(join(dir, 'half.bin.part'), join(dir, 'half.bin'))).toBe(join(dir, 'half.bin'))
    expect(await readFile(join(dir, 'half.bin'), 'utf8')).toBe('all of it')
    expect(await readdir(dir)).not.toContain('half.bin.part')
    await rm(dir, { recursive: true })
  })
})
