import { HostRule, type HostRuleInput } from '../shared/domain.ts'
import { formatPin } from '../shared/pins.ts'

/** The host form as typed: every field a string, so a half-typed value is kept as it is. */
export interface HostDraft {
  pattern: string
  port: string
  addresses: string
  sni: string
  pins: string
  pinMode: 'enforce' | 'report'
  trust: 'ca' | 'pin'
  ca: string
  /** Kept from the rule being edited: the form has no field for it, and saving must not drop it. */
  hostHeader?: string
}

export const emptyDraft: HostDraft = {
  pattern: '',
  port: '',
  addresses: '',
  sni: '',
  pins: '',
  pinMode: 'enforce',
  trust: 'ca',
  ca: '',
}

export function draftFromRule(rule: HostRule): HostDraft {
  return {
    pattern: rule.pattern,
    port: rule.port === undefined ? '' : String(rule.port),
    addresses: rule.addresses.join(', '),
    sni: rule.sni ?? '',
    pins: rule.pins.map(formatPin).join('\n'),
    pinMode: rule.pinMode,
    trust: rule.trust,
    ca: rule.ca ?? '',
    ...(rule.hostHeader === undefined ? {} : { hostHeader: rule.hostHeader }),
  }
}

const LABELS: Record<string, string> = {
  pattern: 'Host',
  port: 'Port',
  addresses: 'Addresses',
  sni: 'SNI',
  pins: 'Pins',
  pinMode: 'Pin mode',
  trust: 'Trust',
  ca: 'CA',
  hostHeader: 'Host header',
}

const split = (text: string, by: RegExp): string[] =>
  text
    .split(by)
    .map((s) => s.trim())
    .filter((s) => s !== '')

/**
 * The rule a draft describes, checked with the same HostRule schema main parses it with, so the form cannot
 * save what main would refuse; errors name the field they are about.
 */
export function ruleFromDraft(d: HostDraft): { ok: true; rule: HostRule } | { ok: false; errors: string[] } {
  const input: HostRuleInput = {
    pattern: d.pattern,
    addresses: split(d.addresses, /[\s,]+/),
    pins: split(d.pins, /[;\n]+/),
    pinMode: d.pinMode,
    trust: d.trust,
    ...(d.port.trim() === '' ? {} : { port: Number(d.port.trim()) }),
    ...(d.sni.trim() === '' ? {} : { sni: d.sni }),
    ...(d.ca.trim() === '' ? {} : { ca: d.ca.trim() }),
    ...(d.hostHeader === undefined ? {} : { hostHeader: d.hostHeader }),
  }
  const parsed = HostRule.safeParse(input)
  if (parsed.success) return { ok: true, rule: parsed.data }
  const errors = parsed.error.issues.map((issue) => {
    const field = issue.path[0]
    const label = typeof field === 'string' ? (LABELS[field] ?? field) : 'Rule'
    const index = typeof issue.path[1] === 'number' ? ` #${issue.path[1] + 1}` : ''
    return `${label}${index}: ${issue.message}`
  })
  return { ok: false, errors }
}

/** The draft with one more pin, unless it is there already. */
export function withPin(d: HostDraft, pin: string): HostDraft {
  const pins = split(d.pins, /[;\n]+/)
  return pins.includes(pin) ? d : { ...d, pins: [...pins, pin].join('\n') }
}
