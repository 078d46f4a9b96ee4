import type { HostRule } from '../../shared/domain.ts'
import type { RuleOrigin } from '../../shared/host-profile.ts'
import { formatPin } from '../../shared/pins.ts'
import { shownDate } from '../pin-date.ts'
import { ruleKey } from '../store/hosts-slice.ts'
import { useStore } from '../store/index.ts'
import { useRuleOrigins } from '../hooks/use-rule-origins.ts'

interface Props {
  selected: HostRule | null
  onEdit: (rule: HostRule) => void
}

/** The saved rules; a row opens its rule in the form (click, or Enter on the focused row's button). */
export function HostRuleTable({ selected, onEdit }: Props) {
  const rules = useStore((s) => s.hosts.rules)
  const origins = useRuleOrigins()
  return (
    // Scrolls sideways on its own when a rule's addresses or pins are wider than its column, never over the form.
    <div className="host-rules-scroll">
      <table className="host-rules" data-testid="host-rules">
        <thead>
          <tr>
            <th scope="col">Host</th>
            <th scope="col">Port</th>
            <th scope="col">Connect to</th>
            <th scope="col">SNI</th>
            <th scope="col">Trust</th>
            <th scope="col">Pins</th>
          </tr>
        </thead>
        <tbody>
          {rules.length === 0 && (
            <tr>
              <td colSpan={6} className="muted">
                No rules: every host is resolved by DNS and checked against the system CAs.
              </td>
            </tr>
          )}
          {rules.map((rule) => (
            <tr
              key={ruleKey(rule)}
              data-testid="host-rule"
              data-pattern={rule.pattern}
              className={selected !== null && ruleKey(selected) === ruleKey(rule) ? 'selected' : undefined}
              onClick={() => onEdit(rule)}
            >
              <td>
                <button
                  type="button"
                  className="link"
                  onClick={(e) => {
                    // The row handles mouse clicks too; this button is what the keyboard reaches.
                    e.stopPropagation()
                    onEdit(rule)
                  }}
                >
                  {rule.pattern}
                </button>
                <RuleOriginTag origin={origins.get(ruleKey(rule))} />
              </td>
              <td>{rule.port ?? 'any'}</td>
              <td>{rule.addresses.length === 0 ? 'DNS' : rule.addresses.join(', ')}</td>
              <td>{rule.sni ?? '—'}</td>
              <td>{rule.trust === 'pin' ? 'pin only' : 'CAs'}</td>
              <td>
                <Pins rule={rule} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  )
}

/** Each pin by its label and day added (the value's start for an unlabelled one), then the mode. */
function Pins({ rule }: { rule: HostRule }) {
  if (rule.pins.length === 0) return <>—</>
  return (
    <ul className="host-rule-pins" data-testid="host-rule-pins">
      {rule.pins.map((pin) => {
        const note = rule.pinNotes?.find((n) => n.pin === pin)
        const label = note?.label ? note.label : `${formatPin(pin).slice(0, 16)}…`
        return (
          <li key={pin} title={formatPin(pin)}>
            {label}
            {note?.addedAt !== undefined && <span className="muted"> · {shownDate(note.addedAt)}</span>}
          </li>
        )
      })}
      <li className="muted">{rule.pinMode}</li>
    </ul>
  )
}

/** From which profile (and version) a rule came, and whether it was changed here since. */
function RuleOriginTag({ origin }: { origin: RuleOrigin | undefined }) {
  if (origin === undefined) return null
  return (
    <span
      className={origin.changedLocally ? 'rule-origin changed-locally' : 'rule-origin'}
      data-testid="rule-origin"
      data-changed-locally={origin.changedLocally}
    >
      profile {origin.profile} v{origin.version}
      {origin.changedLocally ? ' · changed locally' : ''}
    </span>
  )
}
