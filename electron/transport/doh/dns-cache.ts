import type { AddressType, DnsAnswer } from './dns-message.ts'

export interface DnsCacheOptions {
  /** Entries kept at most; the oldest goes first. */
  maxEntries?: number
  /** Seconds: a TTL below this is raised (a TTL of 0 would send every connection to the resolver). */
  minTtl?: number
  /** Seconds: a TTL above this is lowered, so a changed record is seen within this long. */
  maxTtl?: number
  now?: () => number
}

/** Answers by (server and how it was reached, name, type) until their TTL runs out, clamped to [minTtl, maxTtl], in bounded memory. */
export class DnsCache {
  readonly #entries = new Map<string, { answer: DnsAnswer; expires: number }>()
  readonly #max: number
  readonly #minTtl: number
  readonly #maxTtl: number
  readonly #now: () => number

  constructor(opts: DnsCacheOptions = {}) {
    this.#max = opts.maxEntries ?? 512
    this.#minTtl = opts.minTtl ?? 10
    this.#maxTtl = opts.maxTtl ?? 3600
    this.#now = opts.now ?? Date.now
  }

  get(server: string, name: string, type: AddressType): DnsAnswer | undefined {
    const key = keyOf(server, name, type)
    const hit = this.#entries.get(key)
    if (!hit) return undefined
    if (hit.expires <= this.#now()) {
      this.#entries.delete(key)
      return undefined
    }
    return hit.answer
  }

  put(server: string, name: string, type: AddressType, answer: DnsAnswer): void {
    const key = keyOf(server, name, type)
    const ttl = Math.min(this.#maxTtl, Math.max(this.#minTtl, answer.ttl))
    this.#entries.delete(key)
    if (this.#entries.size >= this.#max) this.#entries.delete(this.#entries.keys().next().value as string)
    this.#entries.set(key, { answer, expires: this.#now() + ttl * 1000 })
  }

  get size(): number {
    return this.#entries.size
  }
}

function keyOf(server: string, name: string, type: AddressType): string {
  return `${server} ${name.toLowerCase()} ${type}`
}
