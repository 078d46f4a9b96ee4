import type { ConnectionSummary } from '../../shared/connection.ts'
import { checkFileName } from '../../shared/file-name-check.ts'
import { formatBytes } from '../../shared/format.ts'
import type { DuplicateChoice, PreviewItem } from '../../shared/ipc.ts'
import './add-preview.css'
import { redactUrl } from '../../shared/redact-url.ts'

interface Props {
  items: readonly PreviewItem[]
  /** Names the user typed, by URL; absent: the server's. */
  names: Readonly<Record<string, string>>
  onName: (url: string, name: string) => void
  /** The choice per URL already in the list; absent: skip. */
  choices: Readonly<Record<string, DuplicateChoice>>
  onChoice: (url: string, choice: DuplicateChoice) => void
}

/**
 * What each URL will be, as its server answered main's HEAD (or 0-0 range) request: the name (renamable), the
 * size, the connection it came over, or why it failed; and, for a URL in the list already, what to do with it.
 */
export function AddPreviewList({ items, names, onName, choices, onChoice }: Props) {
  return (
    <ul className="add-preview-list" data-testid="add-preview-list">
      {items.map((item) => {
        const typed = names[item.url]
        const nameCheck = typed === undefined ? null : checkFileName(typed)
        return (
          <li key={item.url} className="add-preview" data-testid="add-preview" data-url={item.url}>
            <div className="add-preview-head">
              <input
                className="add-preview-name"
                data-testid="preview-name"
                aria-label={`File name for ${item.url}`}
                spellCheck={false}
                value={typed ?? item.name}
                aria-invalid={nameCheck !== null && !nameCheck.ok}
                onChange={(e) => onName(item.url, e.target.value)}
              />
              <span className="add-preview-size" data-testid="preview-size">
                {item.size === null ? 'size unknown' : formatBytes(item.size)}
              </span>
            </div>
            {nameCheck !== null && !nameCheck.ok && (
              <p className="form-error" data-testid="preview-name-error">
                {nameCheck.reason}
              </p>
            )}
            <div className="add-preview-url muted">
              <code>{redactUrl(item.url)}</code>
              {item.finalUrl !== null && <span> → {redactUrl(item.finalUrl)}</span>}
            </div>
            {item.error === null ? (
              <div className="add-preview-connection muted" data-testid="preview-connection">
                {item.method === 'GET' ? 'HEAD refused; asked with a 0-0 range' : 'HEAD'}
                {item.connection !== null && ` · ${connectionText(item.connection)}`}
              </div>
            ) : (
              <div className="add-preview-error bad" data-testid="preview-error" role="status">
                Could not check: {item.error.message}
              </div>
            )}
            {item.existing !== null && (
              <DuplicateChoices item={item} choice={choices[item.url] ?? 'skip'} onChoice={onChoice} />
            )}
          </li>
        )
      })}
    </ul>
  )
}

const UNFINISHED = new Set(['queued', 'connecting', 'downloading', 'verifying', 'finalizing', 'paused', 'failed'])

function DuplicateChoices({
  item,
  choice,
  onChoice,
}: {
  item: PreviewItem
  choice: DuplicateChoice
  onChoice: (url: string, choice: DuplicateChoice) => void
}) {
  const existing = item.existing
  if (existing === null) return null
  // A finished download has nothing left to resume; offering it would do nothing.
  const resumable = UNFINISHED.has(existing.state)
  const group = `dup-${item.url}`
  const option = (value: DuplicateChoice, label: string) => (
    <label className="duplicate-option">
      <input
        type="radio"
        name={group}
        value={value}
        data-testid={`duplicate-${value}`}
        checked={choice === value}
        onChange={() => onChoice(item.url, value)}
      />
      {label}
    </label>
  )
  return (
    <fieldset className="duplicate-choice warn" data-testid="duplicate-choice" data-state={existing.state}>
      <legend>
        Already in the list: {existing.state} as {existing.name ?? '(name not known yet)'} in {existing.dir}
      </legend>
      {option('skip', 'Skip')}
      {option('again', `Download again as ${item.againName}`)}
      {resumable && option('resume', 'Resume the existing one')}
    </fieldset>
  )
}

function connectionText(conn: ConnectionSummary): string {
  const trust = conn.verified ? 'verified' : conn.pinned === true ? 'trusted by pinned key' : 'not verified'
  const tls = conn.protocol === null ? 'not encrypted' : `${conn.protocol}, ${trust}`
  const pin = conn.pinned === undefined ? '' : conn.pinned ? 'pin matched' : 'pin did not match'
  return [`${conn.address}:${conn.port}`, conn.servername ?? '', tls, pin].filter(Boolean).join(' · ')
}
