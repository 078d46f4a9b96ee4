import { existsSync } from 'node:fs'
import { chmod, mkdir, readdir, rm, rmdir, writeFile } from 'node:fs/promises'
import { homedir } from 'node:os'
import { dirname, join, resolve } from 'node:path'

import {
  BROWSERS,
  hostManifest,
  hostManifestLocations,
  launcherName,
  launcherScript,
  type Browser,
  type HostManifestLocation,
  type HostOs,
} from '../cli/host-manifest.ts'

/**
 * What runs the native host: a Node binary and the `pinpoint` script it starts with `native-host` (through a
 * launcher script in the state folder), or the packaged app's own executable, which the manifest names directly
 * (it knows it is the host from the arguments the browser adds; see electron/shell/native-host-launch.ts).
 */
export type HostLauncher = { node: string; script: string } | { executable: string }

/**
 * Where and how one user's browsers are integrated: `pinpoint integrate` and the Settings' Browsers section
 * both describe it with this, so both write the same files.
 */
export interface BrowserHostSetup {
  os: HostOs
  /** The home folder the browsers' profiles live in. */
  home: string
  /** The state folder the host hands downloads to; the launcher is kept there. */
  stateDir: string
  /** Name the state folder in the launcher (otherwise the host uses the platform's default folder). */
  explicitState: boolean
  launcher: HostLauncher
  /** A Chromium extension id to allow instead of the published one. */
  extensionId?: string | undefined
}

/** One browser as the integration sees it. */
export interface BrowserHostState {
  browser: Browser
  /** Our manifest is where this browser looks for it. */
  installed: boolean
  /** This user has a profile of the browser. */
  found: boolean
  manifestPath: string
  /** Windows: the registry key whose default value must name the manifest (nothing here writes the registry). */
  registryKey?: string | undefined
}

export function currentOs(): HostOs {
  return process.platform === 'darwin' || process.platform === 'win32' ? process.platform : 'linux'
}

/** `HOME` from this environment, else the OS's idea of it. */
export function homeOf(env: Readonly<Record<string, string | undefined>>): string {
  return env['HOME'] || homedir()
}

/** This Node running this `pinpoint`: what the CLI (and `pinpoint serve`, which is the CLI) is started as. */
export function processLauncher(): HostLauncher {
  return { node: process.execPath, script: resolve(process.argv[1] ?? '') }
}

export function browserHostLocations(setup: Pick<BrowserHostSetup, 'os' | 'home'>): HostManifestLocation[] {
  return BROWSERS.map((b) => hostManifestLocations(setup.os, b, setup.home))
}

export function browserHostStates(setup: Pick<BrowserHostSetup, 'os' | 'home'>): BrowserHostState[] {
  return browserHostLocations(setup).map((loc) => ({
    browser: loc.browser,
    installed: existsSync(loc.manifestPath),
    found: existsSync(loc.browserRoot),
    manifestPath: loc.manifestPath,
    ...(loc.registryKey === undefined ? {} : { registryKey: loc.registryKey }),
  }))
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

/** Writes the launcher the manifests name, into the state folder, and returns its path (the app's: no script). */
export async function writeLauncher(setup: BrowserHostSetup): Promise<string> {
  await mkdir(setup.stateDir, { recursive: true, mode: 0o700 })
  const path = join(setup.stateDir, launcherName(setup.os))
  if ('executable' in setup.launcher) return setup.launcher.executable
  const { node, script } = setup.launcher
  await writeFile(path, launcherScript(setup.os, node, script, setup.explicitState ? setup.stateDir : undefined))
  await chmod(path, 0o755)
  return path
}

/** Installs the host for these browsers: the launcher once, then each browser's manifest naming it. */
export async function installBrowserHosts(
  setup: BrowserHostSetup,
  browsers: readonly Browser[],
): Promise<HostManifestLocation[]> {
  const targets = browserHostLocations(setup).filter((l) => browsers.includes(l.browser))
  if (targets.length === 0) return []
  const launcher = await writeLauncher(setup)
  for (const loc of targets) await writeHostManifest(loc.manifestPath, loc.browser, launcher, setup.extensionId)
  return targets
}

/**
 * Removes our manifest for these browsers (their folder too, only when it is left empty: it may hold other
 * programs' hosts), and the launcher once no browser names it any more. Answers the manifests removed.
 */
export async function removeBrowserHosts(
  setup: BrowserHostSetup,
  browsers: readonly Browser[],
): Promise<HostManifestLocation[]> {
  const all = browserHostLocations(setup)
  const removed: HostManifestLocation[] = []
  for (const loc of all.filter((l) => browsers.includes(l.browser))) {
    if (!existsSync(loc.manifestPath)) continue
    await rm(loc.manifestPath, { force: true })
    if ((await readdir(loc.dir)).length === 0) await rmdir(loc.dir)
    removed.push(loc)
  }
  if (!all.some((l) => existsSync(l.manifestPath))) {
    await rm(join(setup.stateDir, launcherName(setup.os)), { force: true })
  }
  return removed
}
