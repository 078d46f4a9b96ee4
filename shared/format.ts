/** Human figures for bytes, speed and time left; shared by the renderer, the tray and the CLI. */

import type { RetryInfo } from './transfer.ts'

const UNITS = ['B', 'KiB', 'MiB', 'GiB', 'TiB']

export function formatBytes(n: number): string {
  let v = n
  let u = 0
  while (v >= 1024 && u < UNITS.length - 1) {
    v /= 1024
    u++
  }
  return u === 0 ? `${v} B` : `${v.toFixed(v < 10 ? 2 : v < 100 ? 1 : 0)} ${UNITS[u]}`
}

export function formatSpeed(bytesPerSecond: number): string {
  return `${formatBytes(Math.round(bytesPerSecond))}/s`
}

/** `1:05`, `12:00:07`; an empty string when unknown. */
export function formatEta(seconds: number | null | undefined): string {
  if (seconds === null || seconds === undefined || !Number.isFinite(seconds)) return ''
  const s = Math.max(0, Math.round(seconds))
  const h = Math.floor(s / 3600)
  const m = Math.floor((s % 3600) / 60)
  const sec = String(s % 60).padStart(2, '0')
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${sec}` : `${m}:${sec}`
}

export function formatPercent(done: number, total: number | null): string {
  if (total === null || total === 0) return total === 0 ? '100%' : '?'
  return `${((100 * done) / total).toFixed(1)}%`
}

/**
 * A retry as a row and the CLI say it: `retrying in 4 s, attempt 2 of 6: <why the last one failed>`, and
 * `retrying now, …` once its time has come and the attempt runs without having brought bytes yet.
 */
export function formatRetry(retry: RetryInfo, now: number): string {
  const s = Math.ceil((retry.at - now) / 1000)
  const when = s <= 0 ? 'now' : s < 60 ? `in ${s} s` : `in ${formatEta(s)}`
  const why = retry.error.message.trim() || retry.error.code
  return `retrying ${when}, attempt ${retry.attempt} of ${retry.maxAttempts}: ${why}`
}
