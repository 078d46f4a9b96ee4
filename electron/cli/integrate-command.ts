import { existsSync } from 'node:fs'
import { chmod, mkdir, readdir, rm, rmdir, writeFile } from 'node:fs/promises'
import { homedir } from 'node:os'
import { dirname, join, resolve } from 'node:path'

import { PinpointError } from '../../shared/pinpoint-error.ts'
import {
  BROWSERS,
  hostManifest,
  hostManifestLocations,
  launcherName,
  launcherScript,
  type Browser,
  type HostOs,
} from './host-manifest.ts'
import type { CliIo } from './io.ts'
import { stateDirOf } from './open-engine.ts'

export interface IntegrateFlags {
  browser?: string[]
  uninstall?: boolean
  extensionId?: string
  stateDir?: string
}

/** Writes one browser's host manifest (into a browser's folder, or a test browser's profile). */
export async function writeHostManifest(
  manifestPath: string,
  browser: Browser,
  hostPath: string,
  extensionId?: string,
): Promise<void> {
  await mkdir(dirname(manifestPath), { recursive: true })
  await writeFile(manifestPath, `${JSON.stringify(hostManifest(browser, hostPath, extensionId), null, 2)}\n`)
}

/** Writes the launcher the manifests name: this Node running this `pinpoint`, with the state folder chosen. */
export async function writeLauncher(os: HostOs, stateDir: string, explicitState: boolean): Promise<string> {
  await mkdir(stateDir, { recursive: true, mode: 0o700 })
  const path = join(stateDir, launcherName(os))
  const script = resolve(process.argv[1] ?? '')
  await writeFile(path, launcherScript(os, process.execPath, script, explicitState ? stateDir : undefined))
  await chmod(path, 0o755)
  return path
}

/**
 * `pinpoint integrate`: installs (or with --uninstall removes) the native messaging host for the browsers
 * named, or else for every supported browser this user has a profile of. On Windows the manifest is written
 * and the registry key each browser reads is printed, for `reg add` (nothing here writes the registry).
 */
export async function integrateCommand(flags: IntegrateFlags, io: CliIo): Promise<number> {
  const os = (process.platform === 'darwin' || process.platform === 'win32' ? process.platform : 'linux') as HostOs
  const home = io.env.HOME || homedir()
  for (const b of flags.browser ?? [])
    if (!(BROWSERS as readonly string[]).includes(b))
      throw new PinpointError('BAD_INPUT', `--browser ${b}: one of ${BROWSERS.join(', ')}`)
  if (flags.extensionId !== undefined && !/^[a-p]{32}$/.test(flags.extensionId))
    throw new PinpointError('BAD_INPUT', `--extension-id ${flags.extensionId}: 32 letters a-p`)
  const named = flags.browser as Browser[] | undefined
  const all = BROWSERS.map((b) => hostManifestLocations(os, b, home))
  const stateDir = stateDirOf(flags, io)
  if (flags.uninstall) {
    for (const loc of named ? all.filter((l) => named.includes(l.browser)) : all) {
      if (!existsSync(loc.manifestPath)) continue
      await rm(loc.manifestPath, { force: true })
      // The folder only if it is now empty: it may hold other programs' hosts.
      if ((await readdir(loc.dir)).length === 0) await rmdir(loc.dir)
      io.stderr(`removed ${loc.manifestPath}\n`)
      if (loc.registryKey) io.stderr(`  and delete the registry key ${loc.registryKey}\n`)
    }
    if (!all.some((l) => existsSync(l.manifestPath))) await rm(join(stateDir, launcherName(os)), { force: true })
    return 0
  }
  const targets = named ? all.filter((l) => named.includes(l.browser)) : all.filter((l) => existsSync(l.browserRoot))
  if (targets.length === 0)
    throw new PinpointError('BAD_INPUT', `no browser profile found under ${home}: name one with --browser`)
  const explicitState = flags.stateDir !== undefined || io.env.PINPOINT_STATE_DIR !== undefined
  const launcher = await writeLauncher(os, stateDir, explicitState)
  for (const loc of targets) {
    await writeHostManifest(loc.manifestPath, loc.browser, launcher, flags.extensionId)
    io.stderr(`${loc.browser}: wrote ${loc.manifestPath}\n`)
    if (loc.registryKey) io.stderr(`  set the default value of ${loc.registryKey} to that path\n`)
  }
  return 0
}
