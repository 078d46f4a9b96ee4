import type { TransferView } from '../../shared/transfer.ts'
import { isActive } from './tray-state.ts'

/**
 * Keeps the machine awake while downloads run, and reports when it wakes up.
 *
 * Electron's `powerSaveBlocker` and `powerMonitor` are passed in rather than imported, so the policy (when to hold,
 * when to let go) runs and is tested in plain Node; main passes the real modules, which fit these shapes.
 */

/** The part of Electron's `powerSaveBlocker` used here. */
export interface PowerSaveBlockerLike {
  start(type: 'prevent-app-suspension'): number
  stop(id: number): boolean
}

/** The part of Electron's `powerMonitor` used here. */
export interface PowerMonitorLike {
  on(event: 'resume', listener: () => void): unknown
  off(event: 'resume', listener: () => void): unknown
}

/**
 * How long the blocker outlives the last active transfer.
 *
 * One download ending and the next queued one connecting are separate updates; without a grace period the OS would
 * see a release and a new hold (a D-Bus round trip on Linux) at every hand-over.
 */
export const RELEASE_AFTER_MS = 10_000

/** The app must not be suspended while a transfer holds connections or is writing its file. */
export function shouldHold(transfers: readonly Pick<TransferView, 'state'>[]): boolean {
  return transfers.some(isActive)
}

export interface PowerPolicy {
  /** Call with every new list of transfers (each change-feed batch). */
  update(transfers: readonly Pick<TransferView, 'state'>[]): void
  /** Whether the blocker is held right now. */
  readonly holding: boolean
  /** Lets go at once; for quitting. */
  dispose(): void
}

/**
 * Holds `prevent-app-suspension` (not `prevent-display-sleep`: the screen may sleep, the network must not) from the
 * first active transfer until `releaseAfterMs` after the last one.
 */
export function createPowerPolicy(blocker: PowerSaveBlockerLike, releaseAfterMs = RELEASE_AFTER_MS): PowerPolicy {
  let id: number | undefined
  let releaseTimer: ReturnType<typeof setTimeout> | undefined

  const cancelRelease = () => {
    if (releaseTimer !== undefined) clearTimeout(releaseTimer)
    releaseTimer = undefined
  }
  const release = () => {
    cancelRelease()
    if (id !== undefined) blocker.stop(id)
    id = undefined
  }

  return {
    update(transfers) {
      if (shouldHold(transfers)) {
        cancelRelease()
        if (id === undefined) id = blocker.start('prevent-app-suspension')
      } else if (id !== undefined && releaseTimer === undefined) {
        releaseTimer = setTimeout(release, releaseAfterMs)
      }
    },
    get holding() {
      return id !== undefined
    },
    dispose: release,
  }
}

/**
 * Calls `onResume` each time the machine wakes up. Sockets opened before sleep are usually dead by then, and the
 * caller retries the transfers that stalled instead of waiting out their idle timeouts. Returns the unsubscribe.
 */
export function watchResume(monitor: PowerMonitorLike, onResume: () => void): () => void {
  const listener = () => onResume()
  monitor.on('resume', listener)
  return () => {
    monitor.off('resume', listener)
  }
}

export interface PowerOptions {
  readonly powerSaveBlocker: PowerSaveBlockerLike
  readonly powerMonitor: PowerMonitorLike
  readonly onResume: () => void
  readonly releaseAfterMs?: number
}

/** Both together, as main wires them: `startPower({ powerSaveBlocker, powerMonitor, onResume })`. */
export function startPower(options: PowerOptions): { update: PowerPolicy['update']; dispose(): void } {
  const policy = createPowerPolicy(options.powerSaveBlocker, options.releaseAfterMs)
  const unwatch = watchResume(options.powerMonitor, options.onResume)
  return {
    update: (transfers) => policy.update(transfers),
    dispose() {
      unwatch()
      policy.dispose()
    },
  }
}
