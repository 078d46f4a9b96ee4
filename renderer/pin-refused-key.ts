import type { ConnectionInfo } from '../shared/connection.ts'
import type { HostRule, HostRuleInput } from '../shared/domain.ts'

/**
 * The host rule that trusts `pin` for the server a transfer refused: the saved rule for its host (and port, or
 * every port) with the pin added, else a new rule for that host and port.
 *
 * A certificate refused as untrusted (self-signed, a private CA) can only be trusted by its key, so that rule
 * gets `trust: 'pin'`; for a pin mismatch the key is added beside the rule's pins (a rotated key) and its trust
 * stays as it was.
 */
export function ruleWithPin(rules: readonly HostRule[], refused: ConnectionInfo, pin: string): HostRuleInput {
  const host = refused.host.toLowerCase()
  const saved =
    rules.find((r) => r.pattern === host && r.port === refused.port) ??
    rules.find((r) => r.pattern === host && r.port === undefined)
  const byKey = refused.refused !== undefined && refused.refused.code !== 'PIN_MISMATCH'
  if (saved) {
    const pins = saved.pins.includes(pin) ? saved.pins : [...saved.pins, pin]
    return { ...saved, pins, ...(byKey ? { trust: 'pin' as const } : {}) }
  }
  return { pattern: host, port: refused.port, pins: [pin], ...(byKey ? { trust: 'pin' as const } : {}) }
}
