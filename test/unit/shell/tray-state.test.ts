import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'

import { describe, expect, it, vi } from 'vitest'

import type { TransferState } from '../../../shared/domain.ts'
import {
  TOOLTIP_MAX,
  TRAY_ICONS,
  isActive,
  needsAttention,
  trayIconPaths,
  trayMenuItems,
  trayState,
} from '../../../electron/shell/tray-state.ts'
import { failure, view } from './transfer-view.ts'

const MiB = 1024 * 1024

describe('trayState', () => {
  it('is idle with nothing to show when there are no transfers', () => {
    expect(trayState([])).toEqual({
      icon: 'idle',
      tooltip: 'Pinpoint\nNo active downloads',
      activeCount: 0,
      attentionCount: 0,
      percent: null,
      speed: 0,
    })
  })

  it.each<[TransferState, boolean]>([
    ['queued', false],
    ['connecting', true],
    ['downloading', true],
    ['verifying', true],
    ['finalizing', true],
    ['completed', false],
    ['paused', false],
    ['failed', false],
    ['canceled', false],
  ])('counts a %s transfer as active: %s', (state, active) => {
    expect(isActive({ state })).toBe(active)
    expect(trayState([view({ state })]).activeCount).toBe(active ? 1 : 0)
  })

  it('takes the percent over the active transfers with a known size only', () => {
    const state = trayState([
      view({ state: 'downloading', done: 50, total: 100 }),
      view({ state: 'connecting', done: 0, total: 300 }),
      view({ state: 'downloading', done: 10_000, total: null }), // size unknown: not in the percent
      view({ state: 'completed', done: 1000, total: 1000 }), // finished: not in the percent
      view({ state: 'paused', done: 0, total: 1000 }),
    ])
    expect(state.activeCount).toBe(3)
    expect(state.percent).toBe(12.5)
  })

  it('has no percent when no active transfer has a known size', () => {
    expect(trayState([view({ state: 'downloading', total: null, done: 5 })]).percent).toBeNull()
  })

  it('never goes past 100% when a server sends more than it announced', () => {
    expect(trayState([view({ state: 'downloading', done: 150, total: 100 })]).percent).toBe(100)
  })

  it('counts an empty file as done', () => {
    expect(trayState([view({ state: 'finalizing', done: 0, total: 0 })]).percent).toBe(100)
  })

  it('sums the speed of the active transfers only', () => {
    const state = trayState([
      view({ state: 'downloading', speed: 1 * MiB }),
      view({ state: 'verifying', speed: 0.5 * MiB }),
      view({ state: 'paused', speed: 7 * MiB }), // a stale figure must not count
    ])
    expect(state.speed).toBe(1.5 * MiB)
  })

  it('shows the active icon while something downloads', () => {
    expect(trayState([view({ state: 'downloading' }), view({ state: 'completed' })]).icon).toBe('active')
  })

  it('shows the error icon for a failed transfer, even while others download', () => {
    const state = trayState([view({ state: 'failed', error: failure('HTTP_STATUS') }), view({ state: 'downloading' })])
    expect(state.icon).toBe('error')
    expect(state.attentionCount).toBe(1)
  })

  it('shows the error icon for a transfer paused by an error (a full disk), not for a user pause', () => {
    expect(trayState([view({ state: 'paused', error: failure('DISK_FULL') })]).icon).toBe('error')
    expect(trayState([view({ state: 'paused', error: null })]).icon).toBe('idle')
    expect(needsAttention({ state: 'paused', error: null })).toBe(false)
  })

  it('writes the count, the percent rounded down and the speed in the tooltip', () => {
    const state = trayState([
      view({ state: 'downloading', done: 9996, total: 10_000, speed: 1 * MiB }),
      view({ state: 'connecting', done: 0, total: null, speed: 0.5 * MiB }),
    ])
    // 99.96% must not read as 100%: the download is not done.
    expect(state.tooltip).toBe('Pinpoint\n2 downloads active · 99% · 1.50 MiB/s')
  })

  it('leaves the percent out of the tooltip when it is unknown, and uses the singular for one', () => {
    const state = trayState([view({ state: 'downloading', total: null, speed: 2048 })])
    expect(state.tooltip).toBe('Pinpoint\n1 download active · 2.00 KiB/s')
  })

  it('says how many transfers need attention', () => {
    expect(trayState([view({ state: 'failed', error: failure('DNS_FAILED') })]).tooltip).toBe(
      'Pinpoint\nNo active downloads\n1 needs attention',
    )
    const two = [
      view({ state: 'failed', error: failure('DNS_FAILED') }),
      view({ state: 'paused', error: failure('DISK_FULL') }),
    ]
    expect(trayState(two).tooltip).toMatch(/\n2 need attention$/)
  })

  it('fits the tooltip in what Windows shows, whatever the figures', () => {
    const many = Array.from({ length: 10_000 }, () => view({ state: 'downloading', done: 1, total: 1e15, speed: 1e15 }))
    many.push(...Array.from({ length: 10_000 }, () => view({ state: 'failed', error: failure('INTERNAL') })))
    expect(trayState(many).tooltip.length).toBeLessThanOrEqual(TOOLTIP_MAX)
  })
})

describe('trayIconPaths', () => {
  const dir = fileURLToPath(new URL('../../../build/icons/tray', import.meta.url))

  it('uses the 16-pixel images on Windows and macOS and the 32-pixel ones on Linux', () => {
    expect(trayIconPaths('/icons', 'win32').active).toBe(join('/icons', 'tray-active.png'))
    expect(trayIconPaths('/icons', 'darwin').error).toMatch(/tray-error\.png$/)
    expect(trayIconPaths('/icons', 'linux').idle).toMatch(/tray-idle-32\.png$/)
  })

  it.each(['win32', 'darwin', 'linux'] as const)('names files that exist, with their @2x siblings (%s)', (platform) => {
    const paths = trayIconPaths(dir, platform)
    for (const icon of TRAY_ICONS) {
      expect(existsSync(paths[icon]), paths[icon]).toBe(true)
      expect(existsSync(paths[icon].replace(/\.png$/, '@2x.png')), `${paths[icon]} @2x`).toBe(true)
    }
  })
})

describe('trayMenuItems', () => {
  it('offers show, pause all, resume all and quit, in that order, each calling its own action', () => {
    const actions = { onShow: vi.fn(), onPauseAll: vi.fn(), onResumeAll: vi.fn(), onQuit: vi.fn() }
    const items = trayMenuItems(actions)
    const labelled = items.flatMap((item) => ('label' in item ? [item] : []))
    expect(labelled.map((item) => item.label)).toEqual(['Show Pinpoint', 'Pause all', 'Resume all', 'Quit Pinpoint'])

    const calls = labelled.map((item) => {
      vi.clearAllMocks()
      item.click()
      return Object.entries(actions).flatMap(([name, fn]) => (fn.mock.calls.length > 0 ? [name] : []))
    })
    expect(calls).toEqual([['onShow'], ['onPauseAll'], ['onResumeAll'], ['onQuit']])
  })
})
