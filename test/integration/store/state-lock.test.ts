import { spawn } from 'node:child_process'
import { existsSync, readFileSync, readdirSync, utimesSync, writeFileSync } from 'node:fs'
import { hostname } from 'node:os'
import { join, resolve } from 'node:path'
import { pathToFileURL } from 'node:url'

import { afterEach, describe, expect, it } from 'vitest'

import { LOCK_FILE, acquireStateLock, claimStale } from '../../../electron/store/state-lock.ts'
import { makeTempDir, removeTempDir } from '../../fixtures/temp-dir.ts'

const STATE_LOCK = pathToFileURL(resolve(import.meta.dirname, '../../../electron/store/state-lock.ts')).href

const dirs: string[] = []
afterEach(async () => {
  for (const d of dirs.splice(0)) await removeTempDir(d)
})

async function tempDir(): Promise<string> {
  const dir = await makeTempDir('store-lock')
  dirs.push(dir)
  return dir
}

async function deadPid(): Promise<number> {
  const child = spawn(process.execPath, ['-e', ''], { stdio: 'ignore' })
  await new Promise((done) => child.once('exit', done))
  return child.pid as number
}

describe('state lock', () => {
  it('writes pid, hostname and start time, and release removes only our own lock', async () => {
    const dir = await tempDir()
    const lock = acquireStateLock(dir)
    const path = join(dir, LOCK_FILE)
    expect(JSON.parse(readFileSync(path, 'utf8'))).toEqual(lock.owner)
    lock.release()
    expect(existsSync(path)).toBe(false)

    const second = acquireStateLock(dir)
    writeFileSync(path, JSON.stringify({ ...second.owner, startedAt: 1 })) // someone else's now
    second.release()
    second.release()
    expect(existsSync(path)).toBe(true)
  })

  it('takes over a lock file of old garbage, but not one being written right now', async () => {
    const dir = await tempDir()
    const path = join(dir, LOCK_FILE)
    writeFileSync(path, '')
    expect(() => acquireStateLock(dir)).toThrow(
      expect.objectContaining({ code: 'STATE_LOCKED', message: expect.stringContaining('being locked') }),
    )
    utimesSync(path, new Date(Date.now() - 60_000), new Date(Date.now() - 60_000))
    acquireStateLock(dir).release()
    expect(readdirSync(dir)).toEqual([])
  })

  it('never judges a lock from another host stale, and says which file to delete', async () => {
    const dir = await tempDir()
    writeFileSync(join(dir, LOCK_FILE), JSON.stringify({ pid: await deadPid(), hostname: 'elsewhere', startedAt: 1 }))
    expect(() => acquireStateLock(dir)).toThrow(
      expect.objectContaining({
        code: 'STATE_LOCKED',
        message: expect.stringMatching(/on host elsewhere; if it no longer runs there, delete .*pinpoint\.lock/),
      }),
    )
  })

  it('claiming a stale lock that was replaced meanwhile puts the live one back', async () => {
    const dir = await tempDir()
    const path = join(dir, LOCK_FILE)
    const judged = JSON.stringify({ pid: await deadPid(), hostname: 'h', startedAt: 1 })
    const live = acquireStateLock(dir)
    const liveContent = readFileSync(path, 'utf8')
    claimStale(path, judged)
    expect(readFileSync(path, 'utf8')).toBe(liveContent)
    expect(readdirSync(dir)).toEqual([LOCK_FILE])
    live.release()

    writeFileSync(path, judged)
    claimStale(path, judged)
    expect(readdirSync(dir)).toEqual([])
  })

  it('of several processes racing for a stale lock, exactly one wins', async () => {
    const dir = await tempDir()
    const pid = await deadPid()
    writeFileSync(join(dir, LOCK_FILE), JSON.stringify({ pid, hostname: hostname(), startedAt: 1 }))
    // Every child spins until the same instant, tries once, reports, and holds what it got until stdin closes.
    const startAt = Date.now() + 300
    const script = `
      import { acquireStateLock } from ${JSON.stringify(STATE_LOCK)}
      while (Date.now() < ${startAt});
      let result
      try { acquireStateLock(process.argv[1]); result = 'won' } catch (err) { result = err.code }
      process.stdout.write(result + '\\n')
      process.stdin.resume()
      process.stdin.on('end', () => process.exit(0))
    `
    const children = Array.from({ length: 6 }, () =>
      spawn(process.execPath, ['--input-type=module', '-e', script, dir], { stdio: ['pipe', 'pipe', 'inherit'] }),
    )
    const results = await Promise.all(
      children.map(
        (c) =>
          new Promise<string>((done) => {
            let out = ''
            c.stdout.on('data', (b: Buffer) => {
              out += b.toString()
              if (out.endsWith('\n')) done(out.trim())
            })
          }),
      ),
    )
    for (const c of children) c.stdin.end()
    await Promise.all(children.map((c) => new Promise((done) => c.once('exit', done))))
    expect(results.filter((r) => r === 'won')).toHaveLength(1)
    expect(results.filter((r) => r === 'STATE_LOCKED')).toHaveLength(children.length - 1)
    expect(readdirSync(dir).filter((f) => f.includes('.stale-'))).toEqual([])
  })
})
