import { useEffect, useState } from 'react'

import type { BackgroundStatus } from '../../shared/priority.ts'
import { api } from '../api.ts'
import { backgroundLine } from '../priority-words.ts'
import './priority.css'

/** How often the details view asks for the background rate while it shows it. */
const POLL_MS = 1_000

/**
 * The rate every background download shares now, and why it is that: the controller's own reason and the
 * delays it went by. Polled while shown; a failed poll shows nothing rather than a notice a second.
 */
export function BackgroundRate() {
  const [status, setStatus] = useState<BackgroundStatus | null>(null)
  useEffect(() => {
    let live = true
    const poll = () =>
      api.invoke('background:status', {}).then(
        (s) => live && setStatus(s),
        () => live && setStatus(null),
      )
    void poll()
    const timer = setInterval(() => void poll(), POLL_MS)
    return () => {
      live = false
      clearInterval(timer)
    }
  }, [])
  if (status === null) return null
  const line = backgroundLine(status)
  return (
    <div className="background-rate" data-testid="background-rate" data-reason={status.reason}>
      <p>
        <span className="background-rate-figure">{line.rate}</span> shared by background downloads,{' '}
        <span className="background-rate-reason">{line.reason}</span>
      </p>
      <p className="muted">{line.delays}</p>
    </div>
  )
}
