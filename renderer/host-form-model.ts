import { HostRule, type HostRuleInput, type PinNote } from '../shared/domain.ts'
import { formatPin, parsePins } from '../shared/pins.ts'
import type { ProxyServer } from '../shared/proxy.ts'

/** What the form knows of one pin: its label as typed, and when it was added (absent: not recorded). */
export interface DraftPinNote {
  label: string
  addedAt?: number
  /** Labelled in this draft before it was ever saved: dated when saved. */
  isNew?: true
}

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
  /**
   * Notes by bare base64 pin. A pin of the field with no entry here is new in this draft and is dated when
   * saved; the rule's own pins all have an entry, so a pin saved before dates were kept stays undated.
   */
  notes: Readonly<Record<string, DraftPinNote>>
  /** The rule's resolver: 'inherit' leaves it to the app's setting. */
  dnsMode: 'inherit' | 'system' | 'doh' | 'doh-fallback'
  dohUrl: string
  /** Kept from the rule being edited: the form has no field for it, and saving must not drop it. */
  hostHeader?: string
  /** Certificate Transparency; absent: report, the default. */
  ct?: 'report' | 'enforce'
  /** absent: two SCTs from distinct operators. */
  ctPolicy?: 'two-operators' | 'chrome'
  /** The publisher's signing keys: minisign/signify key lines and armored OpenPGP blocks (see publisherKeyList). */
  publisherKeys?: string
  /** The rule's proxy: '' leaves it to the app's setting, `direct` goes past every proxy, else a proxy URL. */
  proxy?: string
  /** The rule's proxy as saved (credentials, anchors, pins): kept while its URL stays the same. */
  proxyKept?: ProxyServer
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
  notes: {},
  dnsMode: 'inherit',
  dohUrl: '',
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
    notes: Object.fromEntries(
      rule.pins.map((pin) => {
        const note = rule.pinNotes?.find((n) => n.pin === pin)
        return [pin, { label: note?.label ?? '', ...(note?.addedAt === undefined ? {} : { addedAt: note.addedAt }) }]
      }),
    ),
    dnsMode: rule.dns?.mode ?? 'inherit',
    dohUrl: rule.dns?.dohUrl ?? '',
    ...(rule.hostHeader === undefined ? {} : { hostHeader: rule.hostHeader }),
    ...(rule.ct === undefined ? {} : { ct: rule.ct }),
    ...(rule.ctPolicy === undefined ? {} : { ctPolicy: rule.ctPolicy }),
    ...(rule.publisherKeys === undefined ? {} : { publisherKeys: rule.publisherKeys.join('\n\n') }),
    ...(rule.proxy === undefined
      ? {}
      : rule.proxy === 'direct'
        ? { proxy: 'direct' }
        : { proxy: rule.proxy.url, proxyKept: rule.proxy }),
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
  pinNotes: 'Pin labels',
  dns: 'DNS',
  ct: 'Certificate Transparency',
  ctPolicy: 'CT policy',
  publisherKeys: 'Publisher keys',
  proxy: 'Proxy',
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
export function ruleFromDraft(
  d: HostDraft,
  now = Date.now(),
): { ok: true; rule: HostRule } | { ok: false; errors: string[] } {
  const notes = notesFor(d, now)
  const publisherKeys = publisherKeyList(d.publisherKeys ?? '')
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
    ...(notes.length === 0 ? {} : { pinNotes: notes }),
    ...(d.dnsMode === 'inherit'
      ? {}
      : { dns: { mode: d.dnsMode, ...(d.dohUrl.trim() === '' ? {} : { dohUrl: d.dohUrl.trim() }) } }),
    ...(d.ct === undefined ? {} : { ct: d.ct }),
    ...(d.ctPolicy === undefined ? {} : { ctPolicy: d.ctPolicy }),
    ...(publisherKeys.length === 0 ? {} : { publisherKeys }),
    ...proxyOfDraft(d),
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

/** The rule's proxy field from the draft's text; what was saved beyond the URL stays while the URL does. */
function proxyOfDraft(d: HostDraft): Pick<HostRuleInput, 'proxy'> {
  const text = d.proxy?.trim() ?? ''
  if (text === '') return {}
  if (text.toLowerCase() === 'direct') return { proxy: 'direct' }
  return { proxy: d.proxyKept?.url === text ? d.proxyKept : { url: text } }
}

/** A pin line of the form as the rule will hold it: bare base64, or null while it is not a valid pin. */
export function barePin(line: string): string | null {
  const parsed = parsePins(line)
  return parsed.ok && parsed.pins.length === 1 ? (parsed.pins[0] ?? null) : null
}

/** The valid pins of the field, each once, in order: what the pin list beside the field shows. */
export function draftPins(d: HostDraft): string[] {
  const pins: string[] = []
  for (const line of split(d.pins, /[;\n]+/)) {
    const pin = barePin(line)
    if (pin !== null && !pins.includes(pin)) pins.push(pin)
  }
  return pins
}

/**
 * The notes the rule will carry: one per pin of the field that has a label or a date. A pin new in this draft is
 * dated `now` (the moment it is saved is the moment it starts to be trusted); a pin without label and date gets
 * none, so re-saving an older rule leaves it as it was.
 */
function notesFor(d: HostDraft, now: number): PinNote[] {
  const notes: PinNote[] = []
  for (const pin of draftPins(d)) {
    const known = d.notes[pin]
    const addedAt = known === undefined || known.isNew ? now : known.addedAt
    const label = known?.label.trim() ?? ''
    if (label === '' && addedAt === undefined) continue
    notes.push({ pin, label, ...(addedAt === undefined ? {} : { addedAt }) })
  }
  return notes
}

/**
 * The draft with one more pin, unless it is there already; `note` labels it (and dates it, for a pin added from
 * a probe), also when it was there.
 */
export function withPin(d: HostDraft, pin: string, note?: DraftPinNote): HostDraft {
  const pins = split(d.pins, /[;\n]+/)
  const bare = barePin(pin) ?? pin
  const notes = note === undefined ? d.notes : { ...d.notes, [bare]: note }
  if (pins.some((line) => barePin(line) === bare)) return note === undefined ? d : { ...d, notes }
  return { ...d, pins: [...pins, pin].join('\n'), notes }
}

/** The draft with the label of one pin set; a pin new in this draft stays new (dated when saved). */
export function withPinLabel(d: HostDraft, pin: string, label: string): HostDraft {
  const known = d.notes[pin]
  return { ...d, notes: { ...d.notes, [pin]: known === undefined ? { label, isNew: true } : { ...known, label } } }
}

/** Whether two drafts say the same thing, so leaving one can be done without asking. */
export function sameDraft(a: HostDraft, b: HostDraft): boolean {
  const keys = [
    'pattern',
    'port',
    'addresses',
    'sni',
    'pins',
    'pinMode',
    'trust',
    'ca',
    'hostHeader',
    'dnsMode',
    'dohUrl',
    'proxy',
  ] as const
  if (keys.some((k) => a[k] !== b[k])) return false
  if ((a.ct ?? 'report') !== (b.ct ?? 'report')) return false
  if ((a.ctPolicy ?? 'two-operators') !== (b.ctPolicy ?? 'two-operators')) return false
  if ((a.publisherKeys ?? '').trim() !== (b.publisherKeys ?? '').trim()) return false
  const pins = new Set([...Object.keys(a.notes), ...Object.keys(b.notes)])
  return [...pins].every((p) => (a.notes[p]?.label ?? '') === (b.notes[p]?.label ?? ''))
}

/**
 * The URL a rule is probed at by default: its host and its own port (a rule for `host:8443` is about that port),
 * or nothing for a wildcard or an empty host, which name no one server.
 */
export function probeUrlFor(d: HostDraft): string {
  const host = d.pattern.trim().toLowerCase().replace(/\.$/, '')
  if (host === '' || host.startsWith('*')) return ''
  const port = d.port.trim()
  const name = host.includes(':') ? `[${host}]` : host
  return `https://${name}${/^\d+$/.test(port) && port !== '443' ? `:${port}` : ''}/`
}

/**
 * The keys of the publisher-keys field, one per entry: each armored OpenPGP block whole, and each other line
 * that is not a comment (a minisign or signify key line; the `untrusted comment:` line of a `.pub` file is
 * skipped). Main checks each key again when it is used.
 */
export function publisherKeyList(text: string): string[] {
  const keys: string[] = []
  let block: string[] | undefined
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim()
    if (block) {
      block.push(line)
      if (line.startsWith('-----END PGP PUBLIC KEY BLOCK-----')) {
        keys.push(block.join('\n'))
        block = undefined
      }
    } else if (line.startsWith('-----BEGIN PGP PUBLIC KEY BLOCK-----')) {
      block = [line]
    } else if (line !== '' && !line.startsWith('untrusted comment:')) {
      keys.push(line)
    }
  }
  if (block) keys.push(block.join('\n'))
  return keys
}
