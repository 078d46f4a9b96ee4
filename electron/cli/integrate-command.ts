import { existsSync } from 'node:fs'

import { PinpointError } from '../../shared/pinpoint-error.ts'
import {
  browserHostLocations,
  currentOs,
  homeOf,
  installBrowserHosts,
  processLauncher,
  removeBrowserHosts,
  type BrowserHostSetup,
} from '../ipc/browser-hosts.ts'
import { BROWSERS, type Browser } from './host-manifest.ts'
import type { CliIo } from './io.ts'
import { stateDirOf } from './open-engine.ts'

export { writeHostManifest } from '../ipc/browser-hosts.ts'

export interface IntegrateFlags {
  browser?: string[]
  uninstall?: boolean
  extensionId?: string
  stateDir?: string
}

/**
 * `pinpoint integrate`: installs (or with --uninstall removes) the native messaging host for the browsers
 * named, or else for every supported browser this user has a profile of. On Windows the manifest is written
 * and the registry key each browser reads is printed, for `reg add` (nothing here writes the registry).
 */
export async function integrateCommand(flags: IntegrateFlags, io: CliIo): Promise<number> {
  const home = homeOf(io.env)
  for (const b of flags.browser ?? [])
    if (!(BROWSERS as readonly string[]).includes(b))
      throw new PinpointError('BAD_INPUT', `--browser ${b}: one of ${BROWSERS.join(', ')}`)
  if (flags.extensionId !== undefined && !/^[a-p]{32}$/.test(flags.extensionId))
    throw new PinpointError('BAD_INPUT', `--extension-id ${flags.extensionId}: 32 letters a-p`)
  const named = flags.browser as Browser[] | undefined
  const setup: BrowserHostSetup = {
    os: currentOs(),
    home,
    stateDir: stateDirOf(flags, io),
    explicitState: flags.stateDir !== undefined || io.env.PINPOINT_STATE_DIR !== undefined,
    launcher: processLauncher(),
    extensionId: flags.extensionId,
  }
  const all = browserHostLocations(setup)
  if (flags.uninstall) {
    for (const loc of await removeBrowserHosts(setup, named ?? BROWSERS)) {
      io.stderr(`removed ${loc.manifestPath}\n`)
      if (loc.registryKey) io.stderr(`  and delete the registry key ${loc.registryKey}\n`)
    }
    return 0
  }
  const targets = named ?? all.filter((l) => existsSync(l.browserRoot)).map((l) => l.browser)
  if (targets.length === 0)
    throw new PinpointError('BAD_INPUT', `no browser profile found under ${home}: name one with --browser`)
  for (const loc of await installBrowserHosts(setup, targets)) {
    io.stderr(`${loc.browser}: wrote ${loc.manifestPath}\n`)
    if (loc.registryKey) io.stderr(`  set the default value of ${loc.registryKey} to that path\n`)
  }
  return 0
}
