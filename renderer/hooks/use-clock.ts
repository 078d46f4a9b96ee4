import { useSyncExternalStore } from 'react'

/**
 * The time, a second at a time, for countdowns: one timer for every component showing one, running only while
 * any is on screen.
 */
export function useClock(): number {
  return useSyncExternalStore(subscribe, snapshot)
}

const TICK_MS = 1000
const listeners = new Set<() => void>()
let now = Date.now()
let timer: ReturnType<typeof setInterval> | undefined

function subscribe(listener: () => void): () => void {
  listeners.add(listener)
  if (timer === undefined) {
    // The last reading may be from long ago: React reads it again after subscribing and re-renders with this.
    now = Date.now()
    timer = setInterval(() => {
      now = Date.now()
      for (const l of listeners) l()
    }, TICK_MS)
  }
  return () => {
    listeners.delete(listener)
    if (listeners.size > 0) return
    clearInterval(timer)
    timer = undefined
  }
}

function snapshot(): number {
  return now
}
