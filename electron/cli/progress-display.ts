import { formatBytes, formatEta, formatPercent, formatSpeed } from '../../shared/format.ts'
import type { TransferView } from '../../shared/transfer.ts'
import type { Changes } from '../queue/change-feed.ts'

export type DisplayMode = 'tty' | 'plain' | 'json'

/**
 * What `pinpoint get` shows while it runs.
 *
 * - `tty`: one line per download plus a total, redrawn in place at most ten times a second.
 * - `plain` (stderr is not a terminal): a line when a download starts or verifies, nothing per chunk, so logs
 *   stay readable.
 * - `json`: every change batch as newline-delimited JSON objects on stdout, for scripts.
 */
export function createDisplay(mode: DisplayMode, write: (s: string) => void, order: number[]) {
  const views = new Map<number, TransferView>()
  const lastState = new Map<number, string>()
  let drawnLines = 0

  const line = (v: TransferView) => {
    const name = (v.name ?? new URL(v.url).pathname.split('/').pop() ?? v.url).slice(0, 40).padEnd(40)
    const pct = formatPercent(v.done, v.total).padStart(6)
    const size = `${formatBytes(v.done)}${v.total === null ? '' : ` / ${formatBytes(v.total)}`}`.padEnd(24)
    const live =
      v.state === 'downloading' ? `${formatSpeed(v.speed).padStart(12)}  ${formatEta(v.eta).padStart(8)}` : ''
    return `${name} ${pct}  ${size} ${v.state.padEnd(11)} ${live}`.trimEnd()
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
        if (lastState.get(v.id) === v.state) continue
        lastState.set(v.id, v.state)
        // The outcome of each download is reported once at the end; here only what happens on the way.
        if (v.state === 'downloading' || v.state === 'verifying') {
          const size = v.total === null ? 'size unknown' : formatBytes(v.total)
          write(`${v.state} ${v.name ?? v.url} (${size})\n`)
        }
      }
    },
  }
}
