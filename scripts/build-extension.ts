/**
 * Builds the browser extension: dist/extension/chromium (load it unpacked), dist/extension/firefox, and one zip
 * per store in dist/extension-zips/. Both folders hold the same code; only manifest.json differs.
 */
import { execFileSync } from 'node:child_process'
import { cp, mkdir, readFile, rm, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'

import { build } from 'vite'

import { buildManifest, type ExtensionTarget } from '../extension/src/manifest.ts'
import { EXTENSION_PUBLIC_KEY } from '../shared/extension-id.ts'

const root = fileURLToPath(new URL('../', import.meta.url))
const configFile = join(root, 'vite.extension.config.ts')
const outRoot = join(root, 'dist', 'extension')
const zipRoot = join(root, 'dist', 'extension-zips')

const { version } = JSON.parse(await readFile(join(root, 'package.json'), 'utf8')) as { version: string }

for (const mode of ['background', 'popup']) await build({ configFile, mode, logLevel: 'warn' })

const chromiumDir = join(outRoot, 'chromium')
await mkdir(join(chromiumDir, 'icons'), { recursive: true })
for (const size of [16, 48, 128]) {
  await cp(join(root, 'build', 'icons', 'app', `${size}x${size}.png`), join(chromiumDir, 'icons', `${size}.png`))
}
const firefoxDir = join(outRoot, 'firefox')
await rm(firefoxDir, { recursive: true, force: true })
await cp(chromiumDir, firefoxDir, { recursive: true })

await rm(zipRoot, { recursive: true, force: true })
await mkdir(zipRoot, { recursive: true })
for (const target of ['chromium', 'firefox'] as ExtensionTarget[]) {
  const dir = join(outRoot, target)
  await writeFile(
    join(dir, 'manifest.json'),
    JSON.stringify(buildManifest(target, { version, key: EXTENSION_PUBLIC_KEY }), null, 2) + '\n',
  )
  // -X leaves out owner ids and extra timestamps, so the archive depends only on the files.
  execFileSync('zip', ['-q', '-r', '-X', join(zipRoot, `pinpoint-${target}-${version}.zip`), '.'], { cwd: dir })
}
console.log(`extension: ${chromiumDir}, ${firefoxDir}; zips in ${zipRoot}`)
