import * as packet from 'dns-packet'
import { isIP } from 'node:net'

import { PinpointError } from '../../../shared/pinpoint-error.ts'

export type AddressType = 'A' | 'AAAA'

/** One answer for a name and type: the addresses at the end of its CNAME chain, or the name to ask next. */
export interface DnsAnswer {
  addresses: Array<{ address: string; family: 4 | 6; ttl: number }>
  /** The CNAME chain followed inside this answer, in order from the name asked. */
  cnames: string[]
  /**
   * A CNAME whose target the server did not answer for (resolvers answering from local data often stop there):
   * the caller asks for this name next.
   */
  pending?: string
  /** Seconds the answer may be kept: the smallest TTL among the records used. */
  ttl: number
}

/** DNS names compare without case and without a trailing dot. */
export function canonicalName(name: string): string {
  return name.toLowerCase().replace(/\.$/, '')
}

/**
 * A query as RFC 8484 asks for it: ID 0 (so a GET is cacheable by HTTP caches), recursion desired, one question.
 * No EDNS(0) record: over HTTPS an answer's size is not bounded by a UDP datagram.
 */
export function encodeQuery(name: string, type: AddressType): Buffer {
  return packet.encode({
    type: 'query',
    id: 0,
    flags: packet.RECURSION_DESIRED,
    questions: [{ type, name: canonicalName(name), class: 'IN' }],
  })
}

/**
 * Read a DoH answer for `name`/`type`, checking that it is one: a response, ID 0, the same question, and not
 * truncated. A negative answer is an error with the resolver's code as its `cause` (NXDOMAIN, SERVFAIL, …) so
 * the caller can tell "this name does not exist" from "the resolver failed".
 */
export function decodeAnswer(buf: Buffer, name: string, type: AddressType, server: string): DnsAnswer {
  let msg: Message
  try {
    msg = packet.decode(buf) as Message
  } catch (err) {
    throw bad(server, `an answer that is not a DNS message (${(err as Error).message})`)
  }
  const asked = canonicalName(name)
  if (msg.type !== 'response') throw bad(server, 'a DNS message that is not a response')
  if (msg.id !== 0) throw bad(server, `an answer with ID ${msg.id} to a query with ID 0`)
  const q = msg.questions?.[0]
  if (msg.questions?.length !== 1 || !q || canonicalName(q.name) !== asked || q.type !== type) {
    throw bad(server, `an answer to another question (${q ? `${q.name} ${q.type}` : 'none'})`)
  }
  if ((msg.flags ?? 0) & packet.TRUNCATED_RESPONSE) throw bad(server, 'a truncated answer')
  const rcode = msg.rcode ?? 'NOERROR'
  if (rcode !== 'NOERROR') {
    const what = rcode === 'NXDOMAIN' ? `${asked} does not exist` : `the resolver answered ${rcode} for ${asked}`
    throw new PinpointError('DNS_FAILED', `${what} (DoH ${server})`, { host: asked, cause: rcode })
  }

  // Walk the CNAME chain from the name asked; records for other names (a server's extra data) are ignored.
  const answers = (msg.answers ?? []).filter((r) => r.class === undefined || r.class === 'IN')
  const cnames: string[] = []
  let current = asked
  let ttl = Number.POSITIVE_INFINITY
  for (let depth = 0; depth < 16; depth++) {
    const alias = answers.find((r) => r.type === 'CNAME' && canonicalName(r.name) === current)
    if (!alias) break
    const target = canonicalName(String(alias.data))
    if (cnames.includes(target) || target === asked) throw bad(server, `a CNAME loop at ${target}`)
    cnames.push(target)
    ttl = Math.min(ttl, alias.ttl ?? 0)
    current = target
  }
  const addresses: DnsAnswer['addresses'] = []
  for (const r of answers) {
    if (r.type !== type || canonicalName(r.name) !== current) continue
    const address = String(r.data)
    const family = isIP(address)
    if (family !== (type === 'A' ? 4 : 6)) throw bad(server, `a ${type} record holding ${JSON.stringify(address)}`)
    addresses.push({ address, family: family as 4 | 6, ttl: r.ttl ?? 0 })
    ttl = Math.min(ttl, r.ttl ?? 0)
  }
  const pending = addresses.length === 0 && cnames.length > 0 ? current : undefined
  return {
    addresses,
    cnames,
    ...(pending === undefined ? {} : { pending }),
    ttl: Number.isFinite(ttl) ? ttl : 0,
  }
}

/** The parts of a decoded message read here; dns-packet's own types leave `rcode` out and merge OPT records in. */
interface Message {
  type?: string
  id?: number
  flags?: number
  rcode?: string
  questions?: Array<{ name: string; type: string }>
  answers?: Array<{ name: string; type: string; class?: string; ttl?: number; data?: unknown }>
}

function bad(server: string, what: string): PinpointError {
  return new PinpointError('DNS_FAILED', `DoH ${server} sent ${what}`, { cause: 'BAD_ANSWER' })
}
