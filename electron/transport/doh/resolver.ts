import { isPinpointError, PinpointError } from '../../../shared/pinpoint-error.ts'
import { redactUrl } from '../../../shared/redact-url.ts'
import type { DnsChoice } from '../../../shared/dns.ts'
import type { ConnectionProfile } from '../../../shared/profile.ts'
import { lookupAll, type Lookup, type LookupAnswer } from '../candidates.ts'
import type { Transport } from '../transport.ts'
import { DnsCache } from './dns-cache.ts'
import { createDohClient, isUnreachable, type DohClient } from './doh-client.ts'
import type { AddressType, DnsAnswer } from './dns-message.ts'

export interface ResolverOptions {
  /**
   * The transport a DoH server is reached through under a download's profile (its own name resolved by the
   * system, see `createResolver`), so the download's addresses, anchors and pins apply to its DoH server too.
   */
  transport: (profile: ConnectionProfile | undefined) => Transport
  /** Everything that makes a connection to `url` acceptable under `profile`: answers are kept per key. */
  keyFor: (url: URL, profile: ConnectionProfile | undefined) => string
  system: Lookup
  cache?: DnsCache
  timeoutMs?: number
}

export interface Resolver {
  /** Every address of `host` under `choice`, each marked with the resolver that gave it. */
  resolve(host: string, choice: DnsChoice, signal?: AbortSignal, profile?: ConnectionProfile): Promise<LookupAnswer[]>
  close(): void
}

/** CNAMEs followed across questions at most, for servers that answer a CNAME without its target's records. */
const MAX_CHASE = 8
/** DoH clients kept open at once (one per server and set of rules it is reached under). */
const MAX_CLIENTS = 16

/**
 * The resolver a connection uses: the system's, or DNS over HTTPS with its cache, by the mode in force.
 *
 * A DoH server's own name is resolved by the system resolver (or given by a host rule's addresses, which is the
 * way to avoid DNS for it entirely): asking the DoH server for its own address cannot work.
 *
 * Clients and cached answers are kept per DoH server *and* the rules it was reached under: an answer that came
 * over a connection checked only against the bundled roots must not serve a download that pins its DoH server.
 */
export function createResolver(opts: ResolverOptions): Resolver {
  const cache = opts.cache ?? new DnsCache()
  const clients = new Map<string, DohClient>()

  const clientFor = (key: string, url: string, profile: ConnectionProfile | undefined): DohClient => {
    let client = clients.get(key)
    if (!client) {
      if (clients.size >= MAX_CLIENTS) {
        const [oldKey, old] = clients.entries().next().value as [string, DohClient]
        old.close()
        clients.delete(oldKey)
      }
      client = createDohClient({
        transport: opts.transport(profile),
        url: new URL(url),
        ...(opts.timeoutMs === undefined ? {} : { timeoutMs: opts.timeoutMs }),
      })
      clients.set(key, client)
    }
    return client
  }

  /** One type, through the cache, following a CNAME the server left unresolved. */
  async function ask(
    key: string,
    client: DohClient,
    host: string,
    type: AddressType,
    signal?: AbortSignal,
  ): Promise<DnsAnswer> {
    let name = host
    for (let hop = 0; hop <= MAX_CHASE; hop++) {
      const answer = cache.get(key, name, type) ?? (await client.query(name, type, signal))
      cache.put(key, name, type, answer)
      if (answer.pending === undefined) return answer
      name = answer.pending
    }
    throw new PinpointError('DNS_FAILED', `DoH ${client.server}: more than ${MAX_CHASE} CNAMEs from ${host}`, {
      host,
      cause: 'BAD_ANSWER',
    })
  }

  async function viaDoh(
    url: string,
    host: string,
    signal: AbortSignal | undefined,
    profile: ConnectionProfile | undefined,
  ): Promise<LookupAnswer[]> {
    const key = opts.keyFor(new URL(url), profile)
    const client = clientFor(key, url, profile)
    const [v6, v4] = await Promise.allSettled([
      ask(key, client, host, 'AAAA', signal),
      ask(key, client, host, 'A', signal),
    ])
    const answers = [v6, v4].flatMap((r) => (r.status === 'fulfilled' ? r.value.addresses : []))
    if (answers.length > 0) {
      return answers.map((a) => ({
        address: a.address,
        family: a.family,
        source: 'doh' as const,
        server: redactUrl(url),
      }))
    }
    const errors = [v6, v4].flatMap((r) => (r.status === 'rejected' ? [r.reason as unknown] : []))
    // "Does not exist" is the answer that matters when one type says so; otherwise the first failure.
    const nx = errors.find((e) => isPinpointError(e) && e.context.cause === 'NXDOMAIN')
    if (nx ?? errors[0]) throw nx ?? errors[0]
    throw new PinpointError('DNS_FAILED', `no addresses for ${host} (DoH ${redactUrl(url)})`, { host, cause: 'NODATA' })
  }

  return {
    async resolve(host, choice, signal, profile) {
      if (choice.mode === 'system' || choice.dohUrl === undefined) return lookupAll(opts.system, host)
      try {
        return await viaDoh(choice.dohUrl, host, signal, profile)
      } catch (err) {
        if (choice.mode !== 'doh-fallback' || !isUnreachable(err)) throw err
        const why = (err as PinpointError).message
        const answers = await lookupAll(opts.system, host)
        return answers.map((a) => ({ ...a, source: 'dns-fallback' as const, note: why }))
      }
    },
    close() {
      for (const c of clients.values()) c.close()
      clients.clear()
    },
  }
}
