import { formatBytes, formatEta, formatPercent, formatRetry, formatSpeed } from '../../shared/format.ts'
import type { TransferView } from '../../shared/transfer.ts'
import type { Changes } from '../queue/change-feed.ts'
import { redactUrl } from '../../shared/redact-url.ts'

export type DisplayMode = 'tty' | 'plain' | 'json'

/**
 * What `pinpoint get` shows while it runs.
 *
 * - `tty`: one line per download plus a total, redrawn in place at most ten times a second. A download waiting
 *   to retry shows when, which attempt of how many and why instead of its speed, counted down once a second.
 * - `plain` (stderr is not a terminal): a line when a download starts or verifies and one per retry, nothing
 *   per chunk, so logs stay readable.
 * - `json`: every change batch as newline-delimited JSON objects on stdout, for scripts (a retry included).
 *
 * `close()` stops the countdown's timer.
 */
export function createDisplay(
  mode: DisplayMode,
  write: (s: string) => void,
  order: number[],
  now: () => number = Date.now,
) {
  const views = new Map<number, TransferView>()
  const lastState = new Map<number, string>()
  const lastRetry = new Map<number, string>()
  let drawnLines = 0
  let ticker: NodeJS.Timeout | undefined

  const line = (v: TransferView) => {
    const name = (v.name ?? new URL(v.url).pathname.split('/').pop() ?? v.url).slice(0, 40).padEnd(40)
    const pct = formatPercent(v.done, v.total).padStart(6)
    const size = `${formatBytes(v.done)}${v.total === null ? '' : ` / ${formatBytes(v.total)}`}`.padEnd(24)
    const live = v.retry
      ? formatRetry(v.retry, now())
      : v.state === 'downloading'
        ? `${formatSpeed(v.speed).padStart(12)}  ${formatEta(v.eta).padStart(8)}`
        : ''
    return `${name} ${pct}  ${size} ${v.state.padEnd(11)} ${live}`.trimEnd()
  }

  const stopTicker = () => {
    clearInterval(ticker)
    ticker = undefined
  }

  const redraw = () => {
    const shown = order.map((id) => views.get(id)).filter((v): v is TransferView => v !== undefined)
    const done = shown.reduce((n, v) => n + v.done, 0)
    const total = shown.every((v) => v.total !== null) ? shown.reduce((n, v) => n + (v.total ?? 0), 0) : null
    const speed = shown.reduce((n, v) => n + v.speed, 0)
    const eta = total !== null && speed > 0 ? (total - done) / speed : null
    const lines = [
      ...shown.map(line),
      `total ${formatPercent(done, total)}  ${formatBytes(done)}${total === null ? '' : ` / ${formatBytes(total)}`}  ${formatSpeed(speed)}  ${formatEta(eta)}`,
    ]
    const up = drawnLines > 0 ? `\x1b[${drawnLines}F` : ''
    write(`${up}${lines.map((l) => `\x1b[2K${l}`).join('\n')}\n`)
    drawnLines = lines.length
    // While a retry waits nothing else changes, so the countdown redraws by itself until its time has come.
    const counting = shown.some((v) => v.retry !== null && v.retry.at > now())
    if (counting && !ticker) {
      ticker = setInterval(redraw, 1000)
      ticker.unref()
    } else if (!counting) {
      stopTicker()
    }
  }

  return {
    update(changes: Changes) {
      for (const v of changes.patches) views.set(v.id, v)
      if (mode === 'json') {
        for (const v of changes.patches) write(`${JSON.stringify({ event: 'transfer', seq: changes.seq, ...v })}\n`)
        return
      }
      if (mode === 'tty') return redraw()
      for (const v of changes.patches) {
        if (v.retry) {
          const key = `${v.retry.attempt}@${v.retry.at}`
          if (lastRetry.get(v.id) !== key) write(`${v.name ?? redactUrl(v.url)}: ${formatRetry(v.retry, now())}\n`)
          lastRetry.set(v.id, key)
        }
        if (lastState.get(v.id) === v.state) continue
        lastState.set(v.id, v.state)
        // The outcome of each download is reported once at the end; here only what happens on the way.
        if (v.state === 'downloading' || v.state === 'verifying') {
          const size = v.total === null ? 'size unknown' : formatBytes(v.total)
          write(`${v.state} ${v.name ?? redactUrl(v.url)} (${size})\n`)
        }
      }
    },
    close: stopTicker,
  }
}
