import type { TransferDetails } from '../store/ui-slice.ts'
import './connection-history.css'

const time = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit', second: '2-digit' })

/** What happened to the transfer, oldest first, as main logged it. */
export function EventLog({ events }: { events: TransferDetails['events'] }) {
  return (
    <ol className="event-log" data-testid="event-log" aria-label="Event log">
      {events.length === 0 && <li className="muted">Nothing logged yet.</li>}
      {events.map((e, i) => (
        <li key={`${e.at}-${i}`} className={`event event-${e.kind}`}>
          <time dateTime={new Date(e.at).toISOString()}>{time.format(e.at)}</time>
          <span className="event-kind">{e.kind}</span>
          <span className="event-message">{e.message}</span>
        </li>
      ))}
    </ol>
  )
}
