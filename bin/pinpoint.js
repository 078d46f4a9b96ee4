#!/usr/bin/env node
// Runs the built bundle (dist/cli/pinpoint.mjs, made by `npm run build`) when it is newer than every source
// file, else the TypeScript sources directly (Node 24 strips types), so `npx pinpoint` needs no build step and
// an edited source is never shadowed by an old bundle. PINPOINT_FROM_SOURCE=1 forces the sources.
import { readdirSync, statSync } from 'node:fs'
import * as nodeModule from 'node:module'
import { homedir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'

// Checked before anything of ours loads, so an older Node says what is wrong instead of failing on a missing
// export or a `.ts` file. The imports above exist in every Node this can meet (a namespace import cannot fail).
const major = Number(process.versions.node.split('.')[0])
if (major < 24) {
  process.stderr.write(
    `pinpoint: needs Node.js 24 or newer; this is ${process.version} (${process.execPath})\n` +
      "run it as `npx pinpoint` from the project folder, which uses the project's own Node\n",
  )
  process.exit(2)
}

const root = fileURLToPath(new URL('..', import.meta.url))
const bundle = new URL('../dist/cli/pinpoint.mjs', import.meta.url)

/** The newest modification time among the files that go into the bundle. */
function newestSource() {
  const lock = statSync(`${root}package-lock.json`, { throwIfNoEntry: false })?.mtimeMs ?? 0
  return Math.max(lock, newestIn(`${root}electron`), newestIn(`${root}shared`))
}

/**
 * The newest file under `dir`. Walked by hand with plain string paths: `readdirSync`'s `recursive` option
 * normalises a path per entry, which made this check cost 2.5 times the CPU (about 20 against 8 ms for this tree)
 * in every run of the command.
 */
function newestIn(dir) {
  let newest = 0
  for (const f of readdirSync(dir, { withFileTypes: true })) {
    const path = `${dir}/${f.name}`
    if (f.isDirectory()) newest = Math.max(newest, newestIn(path))
    else if (f.isFile()) newest = Math.max(newest, statSync(path).mtimeMs)
  }
  return newest
}

function bundleIsFresh() {
  if (process.env.PINPOINT_FROM_SOURCE === '1') return false
  const built = statSync(bundle, { throwIfNoEntry: false })
  return built !== undefined && built.mtimeMs >= newestSource()
}

/**
 * Where V8 keeps the compiled bundle between runs: compiling its 2 MB again took about 90 ms of every command.
 * Node's own NODE_COMPILE_CACHE and NODE_DISABLE_COMPILE_CACHE still decide when set; otherwise the user's cache
 * folder (XDG_CACHE_HOME, else ~/.cache), never the shared temporary folder. Node keys each entry by the file's
 * content, so a rebuilt bundle is compiled afresh, and a cache it cannot write only costs the compile.
 */
function compileCacheDir() {
  if (process.env.NODE_COMPILE_CACHE) return process.env.NODE_COMPILE_CACHE
  const base = process.env.XDG_CACHE_HOME || join(homedir(), '.cache')
  return join(base, 'pinpoint', 'compile-cache')
}

if (bundleIsFresh()) {
  nodeModule.enableCompileCache(compileCacheDir())
  await import(bundle.href)
} else {
  await import('../electron/cli/bin-entry.ts')
}
