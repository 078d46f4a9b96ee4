import type { ConnectionInfo } from '../shared/connection.ts'

/**
 * What a connection's facts mean to a user, in words and one tone: green (`ok`) for a chain verified by a CA or
 * a key that matched its pin, neutral for plain HTTP (not encrypted, which is no failure), amber (`warn`) for a
 * pin that did not match in report mode, red (`bad`) only for what was refused.
 */
export type Tone = 'ok' | 'neutral' | 'warn' | 'bad'

export interface Verdict {
  tone: Tone
  /** The whole verdict, e.g. "Trusted by pinned key (self-signed)". */
  label: string
  /** The few words a group summary uses, e.g. "pin matched". */
  short: string
}

const REFUSALS: Record<string, string> = {
  PIN_MISMATCH: 'pin mismatch',
  TLS_UNTRUSTED: 'certificate not trusted',
  TLS_NAME_MISMATCH: 'certificate not valid for this name',
  TLS_EXPIRED: 'certificate expired',
  TLS_NOT_YET_VALID: 'certificate not valid yet',
  CT_FAILED: 'Certificate Transparency not met',
}

export function refusalWords(code: string): string {
  return REFUSALS[code] ?? code
}

const isSelfSigned = (c: ConnectionInfo) => /SELF_SIGNED/.test(c.verifyError ?? '')

export function verdictOf(c: ConnectionInfo): Verdict {
  if (c.refused !== undefined) {
    const why = refusalWords(c.refused.code)
    return { tone: 'bad', label: `Refused: ${why}`, short: `refused: ${why}` }
  }
  if (c.protocol === null) return { tone: 'neutral', label: 'Not encrypted (plain HTTP)', short: 'not encrypted' }
  if (c.pinned === false) {
    // Only report mode gets this far with a key that matched no pin.
    return { tone: 'warn', label: 'Pin did not match (report only)', short: 'pin not matched (report only)' }
  }
  if (!c.verified && c.pinned === true) {
    const kind = isSelfSigned(c) ? 'self-signed' : 'not verified by a CA'
    return { tone: 'ok', label: `Trusted by pinned key (${kind})`, short: 'trusted by pinned key' }
  }
  if (c.verified && c.pinned === true) return { tone: 'ok', label: 'Verified, pin matched', short: 'pin matched' }
  if (c.verified) return { tone: 'ok', label: 'Verified', short: 'verified' }
  return { tone: 'bad', label: 'Not verified', short: 'not verified' }
}

/** "TLSv1.3" as people write it: "TLS 1.3"; no TLS at all is plain HTTP. */
export function tlsLabel(protocol: string | null): string {
  if (protocol === null) return 'plain HTTP'
  return protocol.replace(/^TLSv/, 'TLS ')
}

/** The certificate's own standing, apart from any pin. */
export function certificateWords(c: ConnectionInfo): { tone: Tone; text: string } {
  if (c.protocol === null) return { tone: 'neutral', text: 'none (plain HTTP)' }
  if (c.verified) return { tone: 'ok', text: 'verified by a trusted CA' }
  const why = c.verifyError === undefined ? '' : ` (${c.verifyError})`
  const what = isSelfSigned(c) ? 'self-signed, not from a trusted CA' : 'not verified by a trusted CA'
  // Not a failure where the pinned key is what the user chose to trust instead.
  return { tone: c.refused === undefined && c.pinned === true ? 'neutral' : 'bad', text: `${what}${why}` }
}

export function pinWords(c: ConnectionInfo): { tone: Tone; text: string } {
  const mode = c.pinMode === 'report' ? ' (report only)' : ''
  if (c.pinned === undefined) return { tone: 'neutral', text: 'no pin rule' }
  if (c.pinned) return { tone: 'ok', text: `yes, matched${mode}` }
  return { tone: c.pinMode === 'report' && c.refused === undefined ? 'warn' : 'bad', text: `no: mismatch${mode}` }
}

export interface ConnectionGroup {
  key: string
  address: string
  port: number
  servername: string | null
  protocol: string | null
  verdict: Verdict
  /** Oldest first. */
  connections: ConnectionInfo[]
}

/** Connections alike in where they went and what they trusted, together, in order of first appearance. */
export function groupConnections(connections: readonly ConnectionInfo[]): ConnectionGroup[] {
  const groups = new Map<string, ConnectionGroup>()
  for (const c of connections) {
    const verdict = verdictOf(c)
    const key = JSON.stringify([c.address, c.port, c.servername, c.protocol, verdict.label])
    const group = groups.get(key)
    if (group) group.connections.push(c)
    else {
      const { address, port, servername, protocol } = c
      groups.set(key, { key, address, port, servername, protocol, verdict, connections: [c] })
    }
  }
  return [...groups.values()]
}

/** "4 connections to 127.0.0.1 (SNI a.test), TLS 1.3, pin matched" */
export function groupSummary(g: ConnectionGroup): string {
  const n = g.connections.length
  const sni = g.servername === null ? '' : ` (SNI ${g.servername})`
  const tls = tlsLabel(g.protocol)
  const verdict = g.protocol === null ? g.verdict.short : `${tls}, ${g.verdict.short}`
  return `${n} connection${n === 1 ? '' : 's'} to ${g.address}${sni}, ${verdict}`
}
