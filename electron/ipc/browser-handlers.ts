import type { BrowserHostsReport } from '../../shared/browser-hosts.ts'
import type { FailureInfo } from '../../shared/errors.ts'
import type { Handlers } from '../../shared/ipc.ts'
import {
  browserHostStates,
  currentOs,
  homeOf,
  installBrowserHosts,
  processLauncher,
  removeBrowserHosts,
  type BrowserHostSetup,
} from './browser-hosts.ts'

/** What differs from `pinpoint integrate`'s defaults: a test's home folder, the desktop app's own launcher. */
export type BrowserHostOptions = Partial<Pick<BrowserHostSetup, 'os' | 'home' | 'launcher' | 'extensionId'>>

/**
 * The Settings' Browsers section: the same files `pinpoint integrate` writes, through the same functions. The
 * host is pointed at this process's state folder, so the browser hands its downloads to this app (or serve).
 */
export function browserHandlers(deps: {
  stateDir: string
  browserHosts?: BrowserHostOptions | undefined
}): Pick<Handlers, 'browsers:status' | 'browsers:integrate'> {
  const o = deps.browserHosts ?? {}
  // Electron's binary runs no scripts (its RunAsNode fuse is off), so inside the app this process cannot be the
  // launcher's Node: without a launcher given, Install there refuses rather than write a host that cannot start.
  const launcher = o.launcher ?? (process.versions['electron'] === undefined ? processLauncher() : undefined)
  const setup = (): BrowserHostSetup => ({
    os: o.os ?? currentOs(),
    // Read at each call, as the CLI reads it at each run.
    home: o.home ?? homeOf(process.env),
    stateDir: deps.stateDir,
    explicitState: true,
    launcher: launcher ?? { node: '', script: '' },
    extensionId: o.extensionId,
  })
  const report = (s: BrowserHostSetup, error: FailureInfo | null): BrowserHostsReport => ({
    browsers: browserHostStates(s),
    error,
  })
  return {
    'browsers:status': async () => report(setup(), null),
    async 'browsers:integrate'({ browser, uninstall }) {
      const s = setup()
      if (!uninstall && launcher === undefined) {
        const message = 'the desktop app cannot start the browser host itself: run `pinpoint integrate` instead'
        return report(s, { code: 'BAD_INPUT', message })
      }
      try {
        if (uninstall) await removeBrowserHosts(s, [browser])
        else await installBrowserHosts(s, [browser])
        return report(s, null)
      } catch (err) {
        const e = err as NodeJS.ErrnoException
        const what = uninstall ? `could not remove the ${browser} host` : `could not install the ${browser} host`
        const why = e.code && e.path ? `${e.code} on ${e.path}` : e.message
        return report(s, { code: 'FILE_ERROR', message: `${what}: ${why}`.slice(0, 4096) })
      }
    },
  }
}
