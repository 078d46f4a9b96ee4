import { EventEmitter } from 'node:events'

import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'

import {
  RELEASE_AFTER_MS,
  createPowerPolicy,
  shouldHold,
  startPower,
  watchResume,
  type PowerMonitorLike,
  type PowerSaveBlockerLike,
} from '../../../electron/shell/power.ts'
import { failure, view } from './transfer-view.ts'

/** Records calls like Electron's powerSaveBlocker, handing out ids. */
function fakeBlocker(): PowerSaveBlockerLike & { log: string[]; started: Set<number> } {
  let next = 100
  const started = new Set<number>()
  const log: string[] = []
  return {
    log,
    started,
    start(type) {
      const id = next++
      started.add(id)
      log.push(`start ${type} ${id}`)
      return id
    },
    stop(id) {
      log.push(`stop ${id}`)
      return started.delete(id)
    },
  }
}

const active = [view({ state: 'downloading' }), view({ state: 'completed' })]
const idle = [
  view({ state: 'completed' }),
  view({ state: 'queued' }),
  view({ state: 'paused', error: failure('DISK_FULL') }),
]

describe('shouldHold', () => {
  it('holds while any transfer is active, and not for queued, paused or finished ones', () => {
    expect(shouldHold(active)).toBe(true)
    expect(shouldHold(idle)).toBe(false)
    expect(shouldHold([])).toBe(false)
  })
})

describe('createPowerPolicy', () => {
  beforeEach(() => {
    vi.useFakeTimers()
  })
  afterEach(() => {
    vi.useRealTimers()
  })

  it('starts prevent-app-suspension once, however many updates say active', () => {
    const blocker = fakeBlocker()
    const policy = createPowerPolicy(blocker)
    policy.update(active)
    policy.update(active)
    policy.update(active)
    expect(blocker.log).toEqual(['start prevent-app-suspension 100'])
    expect(policy.holding).toBe(true)
  })

  it('does not hold when nothing is active', () => {
    const blocker = fakeBlocker()
    const policy = createPowerPolicy(blocker)
    policy.update(idle)
    vi.advanceTimersByTime(RELEASE_AFTER_MS * 2)
    expect(blocker.log).toEqual([])
    expect(policy.holding).toBe(false)
  })

  it('releases after the grace period once nothing is active', () => {
    const blocker = fakeBlocker()
    const policy = createPowerPolicy(blocker, 5000)
    policy.update(active)
    policy.update(idle)
    vi.advanceTimersByTime(4999)
    expect(policy.holding).toBe(true)
    policy.update(idle) // a later idle update must not push the release further away
    vi.advanceTimersByTime(1)
    expect(blocker.log).toEqual(['start prevent-app-suspension 100', 'stop 100'])
    expect(policy.holding).toBe(false)
    expect(blocker.started.size).toBe(0)
  })

  it('keeps holding through a hand-over from one download to the next', () => {
    const blocker = fakeBlocker()
    const policy = createPowerPolicy(blocker, 5000)
    policy.update(active)
    policy.update(idle)
    vi.advanceTimersByTime(2000)
    policy.update(idle)
    vi.advanceTimersByTime(1000)
    policy.update(active)
    vi.advanceTimersByTime(60_000)
    expect(blocker.log).toEqual(['start prevent-app-suspension 100'])
    expect(policy.holding).toBe(true)
  })

  it('holds again after a release', () => {
    const blocker = fakeBlocker()
    const policy = createPowerPolicy(blocker, 10)
    policy.update(active)
    policy.update(idle)
    vi.advanceTimersByTime(10)
    policy.update(active)
    expect(blocker.log).toEqual(['start prevent-app-suspension 100', 'stop 100', 'start prevent-app-suspension 101'])
  })

  it('releases at once on dispose, and the pending release does nothing more', () => {
    const blocker = fakeBlocker()
    const policy = createPowerPolicy(blocker)
    policy.update(active)
    policy.update(idle)
    policy.dispose()
    vi.advanceTimersByTime(RELEASE_AFTER_MS)
    expect(blocker.log).toEqual(['start prevent-app-suspension 100', 'stop 100'])
  })
})

describe('watchResume', () => {
  it('calls back on each resume until unsubscribed', () => {
    const monitor = new EventEmitter() as EventEmitter & PowerMonitorLike
    const onResume = vi.fn()
    const unwatch = watchResume(monitor, onResume)
    monitor.emit('suspend')
    monitor.emit('resume')
    monitor.emit('resume')
    expect(onResume).toHaveBeenCalledTimes(2)
    unwatch()
    monitor.emit('resume')
    expect(onResume).toHaveBeenCalledTimes(2)
    expect(monitor.listenerCount('resume')).toBe(0)
  })
})

describe('startPower', () => {
  it('wires the policy and the resume callback, and undoes both on dispose', () => {
    const powerSaveBlocker = fakeBlocker()
    const powerMonitor = new EventEmitter() as EventEmitter & PowerMonitorLike
    const onResume = vi.fn()
    const power = startPower({ powerSaveBlocker, powerMonitor, onResume })
    power.update(active)
    powerMonitor.emit('resume')
    expect(onResume).toHaveBeenCalledOnce()
    power.dispose()
    expect(powerSaveBlocker.log).toEqual(['start prevent-app-suspension 100', 'stop 100'])
    expect(powerMonitor.listenerCount('resume')).toBe(0)
  })
})
