import { formatBytes } from '../shared/format.ts'
import type { TransferView } from '../shared/transfer.ts'
import { displayName } from './store/visible.ts'

/**
 * Transfers in words, for assistive technology: what a row's accessible name and the live announcements say.
 * Never a raw byte count: sizes are in the units the row shows, without trailing zeros.
 */

/** `5 MiB`, `30.6 MiB`, `512 bytes`. */
export function spokenBytes(n: number): string {
  const [num = '0', unit = 'B'] = formatBytes(n).split(' ')
  const value = String(Number(num))
  return unit === 'B' ? `${value} ${value === '1' ? 'byte' : 'bytes'}` : `${value} ${unit}`
}

/** `1 minute 5 seconds`, `2 hours 3 minutes`. */
export function spokenDuration(seconds: number): string {
  const s = Math.max(0, Math.round(seconds))
  const h = Math.floor(s / 3600)
  const m = Math.floor((s % 3600) / 60)
  const sec = s % 60
  const part = (n: number, unit: string) => `${n} ${unit}${n === 1 ? '' : 's'}`
  if (h > 0) return m > 0 ? `${part(h, 'hour')} ${part(m, 'minute')}` : part(h, 'hour')
  if (m > 0) return sec > 0 ? `${part(m, 'minute')} ${part(sec, 'second')}` : part(m, 'minute')
  return part(sec, 'second')
}

/** Between attempts a transfer is not connecting, whatever its state says. */
export function stateWords(view: Pick<TransferView, 'state' | 'retry' | 'schedule'>): string {
  if (view.schedule !== undefined) return 'paused by schedule'
  return view.retry === null ? view.state : 'waiting to retry'
}

/** Whether a row shows a speed and time left: it moves, and is not between retry attempts. */
export function isMoving(view: Pick<TransferView, 'state' | 'retry'>): boolean {
  return (view.state === 'downloading' || view.state === 'connecting') && view.retry === null
}

/** `big.bin, 30.6 MiB of 64 MiB, downloading, 5 MiB per second, 7 seconds left`. */
export function rowName(view: TransferView): string {
  const parts = [displayName(view)]
  if (view.total === null) parts.push(view.done > 0 ? spokenBytes(view.done) : 'size unknown')
  else if (view.state === 'completed') parts.push(spokenBytes(view.total))
  else parts.push(`${spokenBytes(view.done)} of ${spokenBytes(view.total)}`)
  parts.push(view.error === null ? stateWords(view) : `${stateWords(view)}: ${view.error.message || view.error.code}`)
  if (isMoving(view) && view.speed > 0) {
    parts.push(`${spokenBytes(view.speed)} per second`)
    if (view.eta !== null) parts.push(`${spokenDuration(view.eta)} left`)
  }
  return parts.join(', ')
}
