import type { ConnectionInfo } from '../transport/connection-info.ts'

export interface ConnectionLogOptions {
  /** Connections kept per host:port, newest last. */
  perHost?: number
  /** Hosts kept; the one used least recently goes first. */
  maxHosts?: number
}

/**
 * The last few connections per host, in memory, for a transfer's details pane.
 *
 * Fed by the transport's `onConnection`, which knows the URL it connected for but not the transfer, so a
 * transfer finds its connections by its URL and the URL its redirects ended at. Bounded both ways, because
 * a long-running app may talk to thousands of hosts.
 */
export interface ConnectionLog {
  record(info: ConnectionInfo): void
  /** The kept connections made for any of these URLs, oldest first. */
  forUrls(urls: ReadonlyArray<string | null>): ConnectionInfo[]
}

export function createConnectionLog(opts: ConnectionLogOptions = {}): ConnectionLog {
  const perHost = opts.perHost ?? 20
  const maxHosts = opts.maxHosts ?? 200
  const hosts = new Map<string, ConnectionInfo[]>()

  return {
    record(info) {
      const key = `${info.host}:${info.port}`
      const list = hosts.get(key) ?? []
      // Delete and re-insert so the Map's insertion order is least-recently-used first.
      hosts.delete(key)
      hosts.set(key, [...list, info].slice(-perHost))
      for (const oldest of hosts.keys()) {
        if (hosts.size <= maxHosts) break
        hosts.delete(oldest)
      }
    },
    forUrls(urls) {
      const wanted = new Set(urls.flatMap((u) => (u === null ? [] : [normalize(u)])))
      const found: ConnectionInfo[] = []
      for (const list of hosts.values()) for (const info of list) if (wanted.has(normalize(info.url))) found.push(info)
      return found.sort((a, b) => a.at.localeCompare(b.at))
    },
  }
}

function normalize(url: string): string {
  try {
    return new URL(url).href
  } catch {
    return url
  }
}
