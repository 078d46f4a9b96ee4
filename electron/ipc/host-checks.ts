import type { DnsCompareReport } from '../../shared/dns-compare.ts'
import type { HostRule } from '../../shared/domain.ts'
import type { NodeReport } from '../../shared/nodes.ts'
import { PinpointError } from '../../shared/pinpoint-error.ts'
import { settingFields } from '../../shared/settings.ts'
import type { Store } from '../store/open-store.ts'
import { compareDns } from '../transport/dns-compare.ts'
import { measureNodes } from '../transport/node-probe.ts'
import { coreTransports, type TransportMaker } from '../engine/core-transport.ts'

export interface HostChecks {
  /** The system resolver against DoH (the rule's DoH server, else the app's), every address checked. */
  compareDns(url: URL, rule?: HostRule): Promise<DnsCompareReport>
  /** Every candidate node measured, best first; the ranking is kept for the transport to use. */
  measureNodes(url: URL, rule?: HostRule): Promise<NodeReport>
}

/**
 * The Hosts view's checks, each on a fresh transport (so a download's memory of its last node stays out of it),
 * with the rule being edited tried ahead of the saved ones, as `hosts:probe` does.
 */
export function createHostChecks(
  store: Store,
  connectTimeoutMs = 10_000,
  transports: TransportMaker = coreTransports(store),
): HostChecks {
  const transportFor = (rule: HostRule | undefined) =>
    transports({ ...(rule ? { ahead: rule } : {}), connectTimeoutMs })
  return {
    compareDns(url, rule) {
      const saved = settingFields.dns.safeParse(store.settings.get('dns'))
      const dohUrl = rule?.dns?.dohUrl ?? (saved.success ? saved.data.dohUrl : undefined)
      if (dohUrl === undefined) {
        throw new PinpointError('BAD_INPUT', 'set a DoH server (in Settings, or in this rule) to compare with first')
      }
      return compareDns(transportFor(rule), url, dohUrl)
    },
    async measureNodes(url, rule) {
      const report = await measureNodes(transportFor(rule), url)
      if (report.nodes.some((n) => n.error === undefined)) store.nodeRankings.put(report, Date.now())
      return report
    },
  }
}
