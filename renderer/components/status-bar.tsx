import { formatEta, formatSpeed } from '../../shared/format.ts'
import { useStore } from '../store/index.ts'
import { totals } from '../store/visible.ts'

/**
 * Totals under the table: how many run, wait and failed, the overall speed and the time left for what runs and
 * waits. Not a live region: it changes with every progress batch, which would drown a screen reader.
 */
export function StatusBar() {
  const active = useStore((s) => totals(s).counts.active)
  const queued = useStore((s) => totals(s).counts.queued)
  const failed = useStore((s) => totals(s).counts.failed)
  const speed = useStore((s) => totals(s).speed)
  const eta = useStore((s) => totals(s).eta)
  const selected = useStore((s) => s.ui.selected.size)
  return (
    <div className="status-bar" data-testid="status-bar" role="group" aria-label="Totals">
      <span data-testid="status-active">{active.toLocaleString()} active</span>
      <span data-testid="status-queued">{queued.toLocaleString()} queued</span>
      <span data-testid="status-failed" className={failed > 0 ? 'status-failed' : undefined}>
        {failed.toLocaleString()} failed
      </span>
      <span data-testid="status-speed">{formatSpeed(speed)}</span>
      <span data-testid="status-eta">
        {eta !== null ? `${formatEta(eta)} left` : active > 0 ? 'time left unknown' : ''}
      </span>
      {selected > 0 && <span className="status-selected">{selected.toLocaleString()} selected</span>}
    </div>
  )
}
