import { execFile } from 'node:child_process'
import { existsSync } from 'node:fs'
import { copyFile, mkdir, readdir, readFile, rm, utimes, writeFile } from 'node:fs/promises'
import { dirname, join } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'

import { beforeEach, describe, expect, it } from 'vitest'

import { BIN } from '../../fixtures/run-cli.ts'
import { makeTempDir } from '../../fixtures/temp-dir.ts'

/** Run a copy of bin/pinpoint.js inside `root`, a tree shaped like the project's. */
function runBin(root: string, env: Record<string, string | undefined> = {}): Promise<string> {
  const merged = Object.entries({ ...process.env, PINPOINT_FROM_SOURCE: '', ...env }).filter(([, v]) => v !== undefined)
  return new Promise((resolve, reject) => {
    execFile(process.execPath, [join(root, 'bin', 'pinpoint.js')], { env: Object.fromEntries(merged) }, (err, out) =>
      err ? reject(err) : resolve(out.trim()),
    )
  })
}

const at = (seconds: number) => new Date(Date.UTC(2026, 0, 1, 0, 0, seconds))

describe('bin/pinpoint.js picks the bundle only when it is newer than every source', () => {
  let root: string
  beforeEach(async () => {
    root = await makeTempDir('bin')
    await mkdir(join(root, 'bin'))
    await mkdir(join(root, 'electron', 'cli'), { recursive: true })
    await mkdir(join(root, 'shared'))
    await mkdir(join(root, 'dist', 'cli'), { recursive: true })
    await copyFile(BIN, join(root, 'bin', 'pinpoint.js'))
    await writeFile(join(root, 'package.json'), '{"type":"module"}')
    await writeFile(join(root, 'electron', 'cli', 'bin-entry.ts'), "console.log('source')\n")
    await writeFile(join(root, 'shared', 'a.ts'), 'export {}\n')
    await writeFile(join(root, 'dist', 'cli', 'pinpoint.mjs'), "console.log('bundle')\n")
    for (const f of ['package.json', 'electron/cli/bin-entry.ts', 'shared/a.ts']) {
      await utimes(join(root, f), at(0), at(0))
    }
    await utimes(join(root, 'dist', 'cli', 'pinpoint.mjs'), at(10), at(10))
  })

  it('runs the bundle when it is the newest file', async () => {
    expect(await runBin(root)).toBe('bundle')
  })

  it('runs the sources when any source file, however deep, is newer', async () => {
    await utimes(join(root, 'electron', 'cli', 'bin-entry.ts'), at(20), at(20))
    expect(await runBin(root)).toBe('source')
  })

  it('runs the sources when shared/ changed, or package-lock.json (the bundled dependencies)', async () => {
    await utimes(join(root, 'shared', 'a.ts'), at(20), at(20))
    expect(await runBin(root)).toBe('source')
    await utimes(join(root, 'shared', 'a.ts'), at(0), at(0))
    await writeFile(join(root, 'package-lock.json'), '{}')
    expect(await runBin(root)).toBe('source')
  })

  it("keeps the compiled bundle in the user's cache folder, and not when Node's switch turns that off", async () => {
    const cache = join(root, 'xdg-cache')
    expect(await runBin(root, { XDG_CACHE_HOME: cache, NODE_DISABLE_COMPILE_CACHE: '1', NODE_COMPILE_CACHE: '' })).toBe(
      'bundle',
    )
    expect(existsSync(join(cache, 'pinpoint', 'compile-cache'))).toBe(false)
    expect(
      await runBin(root, { XDG_CACHE_HOME: cache, NODE_DISABLE_COMPILE_CACHE: undefined, NODE_COMPILE_CACHE: '' }),
    ).toBe('bundle')
    const entries = await readdir(join(cache, 'pinpoint', 'compile-cache'), { recursive: true })
    expect(entries.length).toBeGreaterThan(0)
  })

  it('runs the sources when there is no bundle, or when PINPOINT_FROM_SOURCE=1', async () => {
    expect(await runBin(root, { PINPOINT_FROM_SOURCE: '1' })).toBe('source')
    await rm(join(root, 'dist'), { recursive: true })
    expect(await runBin(root)).toBe('source')
  })
})

const builtBundle = fileURLToPath(new URL('../../../dist/cli/pinpoint.mjs', import.meta.url))

// `npm test` builds before it runs vitest, so there the real bundle exists; a bare `vitest run` may not have one.
describe.skipIf(!existsSync(builtBundle))('the built bundle', () => {
  it('is a working CLI on its own: help lists every command', async () => {
    const out = await new Promise<string>((resolve, reject) => {
      execFile(process.execPath, [builtBundle, '--help'], (err, stdout) => (err ? reject(err) : resolve(stdout)))
    })
    for (const cmd of ['probe', 'get', 'resume', 'ls', 'serve']) expect(out).toMatch(new RegExp(`^\\s+${cmd}\\b`, 'm'))
  })
})

describe('start-up', () => {
  // Node's bundled fetch and WebSocket implementation costs about 40 ms to load, and no command uses it; node:http2
  // about 20 ms, and only DNS over HTTPS uses it; node:zlib about 5 ms, for a transfer coding few servers use.
  const hook = `data:text/javascript,${encodeURIComponent(
    "process.on('exit', () => process.stderr.write('undici modules: ' + process.moduleLoadList.filter((m) => m.includes('undici')).length + ', http2 modules: ' + process.moduleLoadList.filter((m) => m.includes('http2')).length + ', zlib: ' + process.moduleLoadList.includes('NativeModule zlib')))",
  )}`
  const entry = fileURLToPath(new URL('../../../electron/cli/bin-entry.ts', import.meta.url))

  it.each([['the sources', entry], ...(existsSync(builtBundle) ? [['the bundle', builtBundle]] : [])])(
    '%s start without loading undici, node:http2 or node:zlib',
    async (_what, file) => {
      const stderr = await new Promise<string>((resolve, reject) => {
        execFile(process.execPath, ['--import', hook, file, '--version'], (err, _out, errOut) =>
          err ? reject(err) : resolve(errOut),
        )
      })
      expect(stderr).toContain('undici modules: 0, http2 modules: 0, zlib: false')
    },
  )
})

// The bundle's entry loads what every command needs; OpenPGP (about 0.8 MB, for a signature) and the WebSocket
// server (for serve) are chunks of their own, which a command that does not use them never reads or compiles.
describe.skipIf(!existsSync(builtBundle))('the bundle at start', () => {
  const hook = `data:text/javascript,${encodeURIComponent(
    "import { registerHooks } from 'node:module'; const seen = []; registerHooks({ load(url, ctx, next) { seen.push(url); return next(url, ctx) } }); process.on('exit', () => process.stderr.write('loaded ' + JSON.stringify(seen.filter((u) => u.startsWith('file:')))))",
  )}`

  it.each([['--version'], ['get', '--help']])(
    'pinpoint %s reads neither OpenPGP nor the WebSocket server',
    async (...args) => {
      const stderr = await new Promise<string>((resolve, reject) => {
        execFile(process.execPath, ['--import', hook, builtBundle, ...args], (err, _out, errOut) =>
          err ? reject(err) : resolve(errOut),
        )
      })
      const loaded = JSON.parse(stderr.slice(stderr.indexOf('loaded ') + 'loaded '.length)) as string[]
      expect(loaded).toContain(pathToFileURL(builtBundle).href)
      const text = await Promise.all(loaded.map((u) => readFile(fileURLToPath(u), 'utf8')))
      expect(text.filter((t) => t.includes('OpenPGP.js'))).toEqual([])
      expect(text.filter((t) => t.includes('WebSocketServer'))).toEqual([])
    },
  )

  // Every start reads, hashes and keeps the text of these chunks: doc comments only weigh them down, and one
  // character outside ASCII makes V8 keep the whole text at two bytes a character.
  it('every chunk is ASCII without doc comments, and the licence notices are kept', async () => {
    const dir = dirname(builtBundle)
    const chunks = (await readdir(dir)).filter((f) => f.endsWith('.mjs'))
    const texts = await Promise.all(chunks.map(async (f) => [f, await readFile(join(dir, f), 'utf8')] as const))
    expect(texts.filter(([, t]) => /[^\x00-\x7f]/.test(t)).map(([f]) => f)).toEqual([])
    expect(texts.filter(([, t]) => t.includes('/**')).map(([f]) => f)).toEqual([])
    expect(texts.some(([, t]) => t.includes('/*! OpenPGP.js'))).toBe(true)
  })
})
