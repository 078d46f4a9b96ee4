import { createHook } from 'node:async_hooks'
import { constants } from 'node:fs'
import { readFile, readdir, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

import { afterAll, describe, expect, it } from 'vitest'

import { finalizePart } from '../../../electron/engine/finalize.ts'
import { isLocalDir, lstatOrUndefined } from '../../../electron/engine/local-fs.ts'
import { PartFile } from '../../../electron/engine/part-file.ts'
import { openFlags } from '../../fixtures/open-flags.ts'
import { makeTempDir, removeTempDir } from '../../fixtures/temp-dir.ts'

const dirs: string[] = []
afterAll(async () => {
  await Promise.all(dirs.map((d) => removeTempDir(d)))
})
async function folder(): Promise<string> {
  const dir = await makeTempDir('local-fs')
  dirs.push(dir)
  return dir
}

/** The file-system requests that went through the thread pool while `run` ran, by kind. */
async function poolTrips(run: () => Promise<unknown>): Promise<string[]> {
  const trips: string[] = []
  const hook = createHook({
    init(_id, type) {
      if (type.startsWith('FSREQ') || type === 'FILEHANDLECLOSEREQ') trips.push(type)
    },
  })
  hook.enable()
  try {
    await run()
  } finally {
    hook.disable()
  }
  return trips
}

describe('metadata calls on a local disk', () => {
  it('finalizing a file on a local disk sends only the folder fsync through the thread pool', async (ctx) => {
    const dir = await folder()
    if (!(await isLocalDir(dir))) return ctx.skip(`${tmpdir()} is not on a local file system here`)
    await writeFile(join(dir, 'a.bin.part'), 'hello')
    let saved = ''
    const trips = await poolTrips(async () => {
      saved = await finalizePart(join(dir, 'a.bin.part'), join(dir, 'a.bin'))
    })
    expect(saved).toBe(join(dir, 'a.bin'))
    expect(await readdir(dir)).toEqual(['a.bin'])
    // link, unlink, and the folder's open and close are made at once; its fsync waits for the disk.
    expect(trips).toEqual(['FSREQCALLBACK'])
  })

  it('a .part on a local disk is created and closed without a trip; its writes and syncs still take one each', async (ctx) => {
    const dir = await folder()
    if (!(await isLocalDir(dir))) return ctx.skip(`${tmpdir()} is not on a local file system here`)
    const path = join(dir, 'b.bin.part')
    const trips = await poolTrips(async () => {
      const part = await PartFile.create(path)
      await part.write(Buffer.from('0123456789'), 10, 0)
      await part.datasync()
      await part.close()
    })
    expect(trips).toEqual(['FSREQCALLBACK', 'FSREQCALLBACK'])
    expect(await readFile(path, 'utf8')).toBe('0123456789')
  })

  it('a .part written through takes one trip for its write and none for its syncs, and its bytes are there', async (ctx) => {
    const dir = await folder()
    if (!(await isLocalDir(dir))) return ctx.skip(`${tmpdir()} is not on a local file system here`)
    const path = join(dir, 'w.bin.part')
    let flags = 0
    const trips = await poolTrips(async () => {
      const part = await PartFile.create(path, { writeThrough: true })
      flags = openFlags(path)
      await part.write(Buffer.from('0123456789'), 10, 0)
      await part.datasync()
      await part.sync()
      await part.close()
    })
    expect(flags & constants.O_DSYNC).toBe(constants.O_DSYNC)
    expect(trips).toEqual(['FSREQCALLBACK'])
    expect(await readFile(path, 'utf8')).toBe('0123456789')
  })

  it('tells what is at a name, and nothing for a missing one or one under a missing folder', async () => {
    const dir = await folder()
    await writeFile(join(dir, 'there.bin'), 'x')
    expect((await lstatOrUndefined(join(dir, 'there.bin')))?.isFile()).toBe(true)
    expect(await lstatOrUndefined(join(dir, 'missing.bin'))).toBeUndefined()
    expect(await lstatOrUndefined(join(dir, 'no-folder', 'missing.bin'))).toBeUndefined()
  })

  it('/proc is not a local disk: calls there stay on the thread pool', async () => {
    expect(await isLocalDir('/proc')).toBe(false)
    expect(await isLocalDir('/no/such/folder/here')).toBe(false)
  })
})

describe('a .part file held by a plain descriptor', () => {
  it('is opened without O_DSYNC unless asked, and a closed write-through file refuses a sync', async () => {
    const dir = await folder()
    const plain = await PartFile.create(join(dir, 'p.bin.part'))
    expect(openFlags(join(dir, 'p.bin.part')) & constants.O_DSYNC).toBe(0)
    await plain.close()
    const through = (await PartFile.reopen(join(dir, 'p.bin.part'), { writeThrough: true }))!
    expect(openFlags(join(dir, 'p.bin.part')) & constants.O_DSYNC).toBe(constants.O_DSYNC)
    await through.close()
    await expect(through.sync()).rejects.toMatchObject({ code: 'FILE_ERROR' })
  })

  it('closes only after the writes and syncs in flight have finished, and refuses any call after', async () => {
    const dir = await folder()
    const path = join(dir, 'c.bin.part')
    const part = await PartFile.create(path)
    const big = Buffer.alloc(8 << 20, 7)
    const writes = [part.write(big, big.length, 0), part.write(big, big.length, big.length)]
    const synced = part.datasync()
    await part.close()
    await Promise.all([...writes, synced])
    expect((await readFile(path)).length).toBe(2 * big.length)
    await expect(part.write(big, 1, 0)).rejects.toMatchObject({ code: 'FILE_ERROR' })
    await expect(part.datasync()).rejects.toMatchObject({ code: 'FILE_ERROR' })
    await part.close()
  })

  it('a second create at the same path fails as the exclusive create it is', async () => {
    const dir = await folder()
    const path = join(dir, 'd.bin.part')
    const part = await PartFile.create(path)
    await expect(PartFile.create(path)).rejects.toMatchObject({ code: 'FILE_ERROR', context: { cause: 'EEXIST' } })
    await part.close()
  })
})
