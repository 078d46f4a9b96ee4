import { useId, useRef, useState } from 'react'

import { weekdays, type Schedule, type Weekday } from '../../shared/schedule.ts'
import type { SettingsPatch } from '../../shared/settings.ts'
import {
  draftOf,
  kindLabels,
  newWindow,
  scheduleOf,
  spanNote,
  windowProblem,
  type WindowDraft,
  type WindowKind,
} from '../schedule-draft.ts'
import './schedule-settings.css'

const dayLabels: Record<Weekday, string> = {
  mon: 'Mon',
  tue: 'Tue',
  wed: 'Wed',
  thu: 'Thu',
  fri: 'Fri',
  sat: 'Sat',
  sun: 'Sun',
}

interface Props {
  schedule: Schedule
  save: (patch: SettingsPatch) => Promise<boolean>
}

/**
 * The schedule as a list of windows, each: its days, from and to (this computer's time), and what it does. Every
 * control is a native one, so Tab, Space and typing edit it all. The whole list is sent once every window in it
 * is valid; until then what was typed stays, with the reason beside its window.
 */
export function ScheduleSettings({ schedule, save }: Props) {
  const [drafts, setDrafts] = useState<WindowDraft[] | null>(null)
  const latest = useRef<WindowDraft[] | null>(null)
  const [focusLast, setFocusLast] = useState(false)
  const shown = drafts ?? schedule.map(draftOf)
  const change = (next: WindowDraft[]) => {
    setDrafts(next)
    latest.current = next
    const valid = scheduleOf(next)
    if (valid === undefined) return
    void save({ schedule: valid }).then((ok) => {
      // Back to what main holds, unless the user has typed on since.
      if (ok && latest.current === next) setDrafts(null)
    })
  }
  return (
    <fieldset className="schedule-settings" data-testid="schedule-settings">
      <legend>Schedule</legend>
      <p className="muted">
        Windows in this computer&apos;s time zone. Where several overlap, the most restrictive applies. A download held
        by a window shows until when, and &ldquo;Start now anyway&rdquo; in its menu runs it regardless.
      </p>
      {shown.length === 0 && <p className="muted">No windows: downloads run at any time.</p>}
      <ol className="schedule-list">
        {shown.map((d, i) => (
          <WindowRow
            key={i}
            index={i}
            draft={d}
            autoFocus={focusLast && i === shown.length - 1}
            onChange={(w) => change(shown.map((x, j) => (j === i ? w : x)))}
            onRemove={() => change(shown.filter((_, j) => j !== i))}
          />
        ))}
      </ol>
      <button
        type="button"
        data-testid="schedule-add"
        onClick={() => {
          setFocusLast(true)
          change([...shown, newWindow()])
        }}
      >
        Add window
      </button>
    </fieldset>
  )
}

interface RowProps {
  index: number
  draft: WindowDraft
  autoFocus: boolean
  onChange: (d: WindowDraft) => void
  onRemove: () => void
}

function WindowRow({ index, draft, autoFocus, onChange, onRemove }: RowProps) {
  const id = useId()
  const problem = windowProblem(draft)
  const note = spanNote(draft)
  const name = `Window ${index + 1}`
  const toggle = (day: Weekday, on: boolean) =>
    onChange({ ...draft, days: weekdays.filter((w) => (w === day ? on : draft.days.includes(w))) })
  return (
    <li className="schedule-window" data-testid="schedule-window" aria-label={name}>
      <div className="schedule-days" role="group" aria-label={`${name}: days`}>
        {weekdays.map((day, i) => (
          <label key={day} className="schedule-day">
            <input
              type="checkbox"
              data-testid={`schedule-day-${day}`}
              checked={draft.days.includes(day)}
              // A new window takes focus at its first control, so the keyboard carries on where it was added.
              autoFocus={autoFocus && i === 0}
              onChange={(e) => toggle(day, e.target.checked)}
            />
            {dayLabels[day]}
          </label>
        ))}
      </div>
      <div className="schedule-times">
        <label htmlFor={`${id}-start`}>From</label>
        <input
          id={`${id}-start`}
          data-testid="schedule-start"
          className="schedule-time"
          inputMode="numeric"
          placeholder="HH:MM"
          maxLength={5}
          value={draft.start}
          aria-invalid={problem.startsWith('Start')}
          aria-describedby={`${id}-hint`}
          onChange={(e) => onChange({ ...draft, start: e.target.value })}
        />
        <label htmlFor={`${id}-end`}>to</label>
        <input
          id={`${id}-end`}
          data-testid="schedule-end"
          className="schedule-time"
          inputMode="numeric"
          placeholder="HH:MM"
          maxLength={5}
          value={draft.end}
          aria-invalid={problem.startsWith('End')}
          aria-describedby={`${id}-hint`}
          onChange={(e) => onChange({ ...draft, end: e.target.value })}
        />
        <select
          aria-label={`${name}: action`}
          data-testid="schedule-kind"
          value={draft.kind}
          onChange={(e) => onChange({ ...draft, kind: e.target.value as WindowKind })}
        >
          {(Object.keys(kindLabels) as WindowKind[]).map((k) => (
            <option key={k} value={k}>
              {kindLabels[k]}
            </option>
          ))}
        </select>
        {draft.kind === 'limit' && (
          <input
            aria-label={`${name}: speed limit`}
            data-testid="schedule-rate"
            className="schedule-rate"
            placeholder="e.g. 500K"
            value={draft.rate}
            aria-invalid={problem.startsWith('Enter a speed')}
            aria-describedby={`${id}-hint`}
            onChange={(e) => onChange({ ...draft, rate: e.target.value })}
          />
        )}
        <button
          type="button"
          data-testid="schedule-remove"
          aria-label={`Remove ${name.toLowerCase()}`}
          onClick={onRemove}
        >
          Remove
        </button>
      </div>
      <span id={`${id}-hint`} data-testid="schedule-hint" className={problem ? 'form-error' : 'muted'}>
        {problem || note}
      </span>
    </li>
  )
}
