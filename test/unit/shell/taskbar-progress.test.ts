import { describe, expect, it } from 'vitest'

import {
  INDETERMINATE,
  NO_PROGRESS,
  progressFraction,
  setTaskbarProgress,
  type ProgressBarTarget,
} from '../../../electron/shell/taskbar-progress.ts'
import { failure, view } from './transfer-view.ts'

describe('progressFraction', () => {
  it('removes the bar (a negative value) when nothing is active', () => {
    expect(progressFraction([])).toBe(-1)
    expect(NO_PROGRESS).toBeLessThan(0)
    const resting = [
      view({ state: 'completed', done: 100 }),
      view({ state: 'failed', error: failure('HTTP_STATUS'), done: 10 }),
      view({ state: 'queued' }),
      view({ state: 'paused', done: 50 }),
    ]
    expect(progressFraction(resting)).toBe(-1)
  })

  it('is the fraction done over the active transfers with a known size', () => {
    const transfers = [
      view({ state: 'downloading', done: 30, total: 100 }),
      view({ state: 'connecting', done: 0, total: 100 }),
      view({ state: 'downloading', done: 999, total: null }),
      view({ state: 'completed', done: 500, total: 500 }),
    ]
    expect(progressFraction(transfers)).toBeCloseTo(0.15, 10)
  })

  it('stays within 0..1 when a server sends more than it announced', () => {
    expect(progressFraction([view({ state: 'downloading', done: 250, total: 100 })])).toBe(1)
  })

  it('is indeterminate (above 1) when transfers run but no size is known', () => {
    const fraction = progressFraction([view({ state: 'downloading', total: null, done: 10 })])
    expect(fraction).toBe(INDETERMINATE)
    expect(fraction).toBeGreaterThan(1)
  })
})

function fakeWindow(destroyed = false): ProgressBarTarget & { calls: number[] } {
  const calls: number[] = []
  return { calls, isDestroyed: () => destroyed, setProgressBar: (value) => void calls.push(value) }
}

describe('setTaskbarProgress', () => {
  it('passes changes on and skips repeats, rounding to a tenth of a percent', () => {
    const win = fakeWindow()
    setTaskbarProgress(win, 0.1)
    setTaskbarProgress(win, 0.1)
    setTaskbarProgress(win, 0.10001) // invisible change: not worth a D-Bus or COM call
    setTaskbarProgress(win, 0.25)
    setTaskbarProgress(win, -1)
    setTaskbarProgress(win, -1)
    setTaskbarProgress(win, 2)
    expect(win.calls).toEqual([0.1, 0.25, -1, 2])
  })

  it('keeps one memory per window', () => {
    const a = fakeWindow()
    const b = fakeWindow()
    setTaskbarProgress(a, 0.5)
    setTaskbarProgress(b, 0.5)
    expect([a.calls, b.calls]).toEqual([[0.5], [0.5]])
  })

  it('leaves a destroyed window alone', () => {
    const win = fakeWindow(true)
    setTaskbarProgress(win, 0.5)
    expect(win.calls).toEqual([])
  })
})
