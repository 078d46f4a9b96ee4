import { lookup as dnsLookup } from 'node:dns/promises'
import { isIP } from 'node:net'

import type { HostRule } from '../../shared/domain.ts'
import { isPinpointError, PinpointError } from '../../shared/pinpoint-error.ts'

export interface Candidate {
  address: string
  family: 4 | 6
  source: CandidateSource
  /** The DoH server that gave the address, or why the system resolver was asked instead. */
  server?: string
  note?: string
}

/**
 * Where an address came from: a rule, the URL itself, the system resolver, DoH, the system after DoH failed, or
 * the host's name handed to a proxy that resolves it.
 */
export type CandidateSource = 'rule' | 'literal' | 'dns' | 'doh' | 'dns-fallback' | 'proxy'

/** One address of a name, marked with the resolver that gave it when that was not the system's. */
export interface LookupAnswer {
  address: string
  family: number
  source?: 'dns' | 'doh' | 'dns-fallback'
  server?: string
  note?: string
}

/** Resolves a name to every address; the shape of `dns.promises.lookup(name, { all: true })`. */
export type Lookup = (hostname: string) => Promise<LookupAnswer[]>

export const systemLookup: Lookup = (hostname) => dnsLookup(hostname, { all: true, order: 'ipv6first' })

/**
 * `lookup`'s answers for `host`, its failure as data: getaddrinfo's errors (ENOTFOUND, EAI_AGAIN, …) become
 * DNS_FAILED with the system's code as the cause, so every caller (a connection, a comparison of resolvers)
 * reports them like any other failure.
 */
export async function lookupAll(lookup: Lookup, host: string): Promise<LookupAnswer[]> {
  try {
    return await lookup(host)
  } catch (err) {
    if (isPinpointError(err)) throw err
    const code = (err as NodeJS.ErrnoException).code
    throw new PinpointError('DNS_FAILED', `could not resolve ${host}${code ? ` (${code})` : ''}`, { host, cause: code })
  }
}

/**
 * The addresses to try for a host, in order.
 *
 * A rule's addresses replace DNS entirely (curl `--resolve`), in the order the user gave them. DNS answers are
 * interleaved by family as RFC 8305 §4 asks, so one broken family costs a single stagger, not a whole list.
 */
export async function candidatesFor(host: string, rule: HostRule | undefined, lookup: Lookup): Promise<Candidate[]> {
  if (rule && rule.addresses.length > 0) {
    return rule.addresses.map((address) => ({ address, family: familyOf(address), source: 'rule' }))
  }
  if (isIP(host)) return [{ address: host, family: familyOf(host), source: 'literal' }]
  const answers = await lookupAll(lookup, host)
  if (answers.length === 0) throw new PinpointError('DNS_FAILED', `no addresses for ${host}`, { host })
  return interleave(
    answers.map((a) => ({
      address: a.address,
      family: a.family === 6 ? 6 : 4,
      source: a.source ?? 'dns',
      ...(a.server === undefined ? {} : { server: a.server }),
      ...(a.note === undefined ? {} : { note: a.note }),
    })),
  )
}

/** Put `preferred` first when it is among the candidates: the node that won last time for this host. */
export function preferAddress(candidates: Candidate[], preferred: string | undefined): Candidate[] {
  if (!preferred) return candidates
  const hit = candidates.find((c) => c.address === preferred)
  return hit ? [hit, ...candidates.filter((c) => c !== hit)] : candidates
}

function interleave(list: Candidate[]): Candidate[] {
  const first = list[0]?.family
  const a = list.filter((c) => c.family === first)
  const b = list.filter((c) => c.family !== first)
  const out: Candidate[] = []
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    if (a[i]) out.push(a[i] as Candidate)
    if (b[i]) out.push(b[i] as Candidate)
  }
  return out
}

function familyOf(address: string): 4 | 6 {
  return isIP(address) === 6 ? 6 : 4
}

/**
 * Candidates in the order a measurement ranked them (best first); addresses it did not measure keep their order
 * after the ranked ones. The RFC 8305 stagger still runs over the list, so a ranked node that fails costs one
 * stagger before the next.
 */
export function byRanking(candidates: Candidate[], ranking: readonly string[] | undefined): Candidate[] {
  if (!ranking || ranking.length === 0) return candidates
  const at = (c: Candidate) => {
    const i = ranking.indexOf(c.address)
    return i === -1 ? ranking.length : i
  }
  return candidates
    .map((c, i) => ({ c, i }))
    .sort((a, b) => at(a.c) - at(b.c) || a.i - b.i)
    .map((x) => x.c)
}
