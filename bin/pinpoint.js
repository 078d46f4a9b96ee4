#!/usr/bin/env node
// Runs the built bundle (dist/cli/pinpoint.mjs, made by `npm run build`) when it is newer than every source
// file, else the TypeScript sources directly (Node 24 strips types), so `npx pinpoint` needs no build step and
// an edited source is never shadowed by an old bundle. PINPOINT_FROM_SOURCE=1 forces the sources.
import { readdirSync, statSync } from 'node:fs'
import { fileURLToPath } from 'node:url'

const root = fileURLToPath(new URL('..', import.meta.url))
const bundle = new URL('../dist/cli/pinpoint.mjs', import.meta.url)

/** The newest modification time among the files that go into the bundle (about 2 ms for the whole tree). */
function newestSource() {
  let newest = statSync(`${root}package-lock.json`, { throwIfNoEntry: false })?.mtimeMs ?? 0
  for (const dir of ['electron', 'shared']) {
    for (const f of readdirSync(`${root}${dir}`, { recursive: true, withFileTypes: true })) {
      if (f.isFile()) newest = Math.max(newest, statSync(`${f.parentPath}/${f.name}`).mtimeMs)
    }
  }
  return newest
}

function bundleIsFresh() {
  if (process.env.PINPOINT_FROM_SOURCE === '1') return false
  const built = statSync(bundle, { throwIfNoEntry: false })
  return built !== undefined && built.mtimeMs >= newestSource()
}

await import(bundleIsFresh() ? bundle.href : '../electron/cli/bin-entry.ts')
