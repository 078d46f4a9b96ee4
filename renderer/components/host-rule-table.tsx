import type { HostRule } from '../../shared/domain.ts'
import { ruleKey } from '../store/hosts-slice.ts'
import { useStore } from '../store/index.ts'

interface Props {
  selected: HostRule | null
  onEdit: (rule: HostRule) => void
}

/** The saved rules; a row opens its rule in the form (click, or Enter on the focused row's button). */
export function HostRuleTable({ selected, onEdit }: Props) {
  const rules = useStore((s) => s.hosts.rules)
  return (
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
            </td>
            <td>{rule.port ?? 'any'}</td>
            <td>{rule.addresses.length === 0 ? 'DNS' : rule.addresses.join(', ')}</td>
            <td>{rule.sni ?? '—'}</td>
            <td>{rule.trust === 'pin' ? 'pin only' : 'CAs'}</td>
            <td>{rule.pins.length === 0 ? '—' : `${rule.pins.length} (${rule.pinMode})`}</td>
          </tr>
        ))}
      </tbody>
    </table>
  )
}
