import type { HostRule } from '../../shared/domain.ts'
import type { Emit, Handlers, RequestChannel } from '../../shared/ipc.ts'
import type { Store } from '../store/open-store.ts'
import { credentialState, withCredentialInput, type TransferSecrets } from '../../shared/transfer-secrets.ts'
import type { ProbeReport } from '../transport/probe.ts'
import { createHostChecks, type HostChecks } from './host-checks.ts'
import type { TransportMaker } from '../engine/core-transport.ts'

export type HostHandlers = Pick<Handlers, Extract<RequestChannel, `hosts:${string}`>>

/** Connect to `url` (with `rule` tried ahead of the saved rules) and report; see prober.ts. */
export type Probe = (url: URL, rule?: HostRule) => Promise<ProbeReport>

/**
 * The host rules: where to connect and what to trust per host. Saved in the store, which the transport reads
 * at every connect, so a change applies to the next connection without a restart.
 */
export function hostHandlers(deps: {
  store: Store
  emit: Emit
  probe: Probe
  checks?: HostChecks
  transports?: TransportMaker
}): HostHandlers {
  const { store, emit } = deps
  const checks = deps.checks ?? createHostChecks(store, undefined, deps.transports)
  const changed = (): void => emit('hosts:changed', store.hostRules.list())
  return {
    async 'hosts:list'() {
      // A saved rule this version cannot read is skipped by the transport too; for a pin rule that weakens
      // the host's checks, so the user is told rather than left to notice.
      return store.hostRules.list((bad) => {
        const where = bad.port ? `${bad.pattern}:${bad.port}` : bad.pattern
        const message = `the saved rule for ${where} is ignored: ${bad.error}`
        emit('notice', { level: 'warning', code: 'BAD_INPUT', message: message.slice(0, 4096) })
      })
    },
    async 'hosts:upsert'({ rule }) {
      const saved = store.hostRules.upsert(rule)
      changed()
      return saved
    },
    async 'hosts:remove'({ pattern, port }) {
      if (store.hostRules.remove(pattern, port)) changed()
      return null
    },
    'hosts:probe': ({ url, rule }) => deps.probe(new URL(url), rule),
    'hosts:compareDns': ({ url, rule }) => checks.compareDns(new URL(url), rule),
    'hosts:measureNodes': ({ url, rule }) => checks.measureNodes(new URL(url), rule),
    async 'hosts:credentials'({ pattern, port }) {
      savedRule(store, 'hosts:credentials', pattern, port)
      return credentialState(openedHostSecrets(store, pattern, port)) ?? null
    },
    async 'hosts:setCredentials'({ pattern, port, credentials }) {
      const rule = savedRule(store, 'hosts:setCredentials', pattern, port)
      const next = withCredentialInput(openedHostSecrets(store, rule.pattern, rule.port), credentials)
      store.hostSecrets.put(rule.pattern, rule.port, next)
      return credentialState(next) ?? null
    },
  }
}

/** The saved rule with this key; credentials belong to a saved rule only. */
function savedRule(store: Store, channel: string, pattern: string, port: number | undefined): HostRule {
  const key = pattern.toLowerCase().replace(/\.$/, '')
  const rule = store.hostRules.list().find((r) => r.pattern === key && r.port === port)
  if (!rule)
    throw new Error(`${channel}: no saved rule for ${port === undefined ? key : `${key}:${port}`}; save it first`)
  return rule
}

/** Secrets this process cannot open (the desktop app's, seen from serve) count as none and are replaced whole. */
function openedHostSecrets(store: Store, pattern: string, port: number | undefined): TransferSecrets | undefined {
  try {
    return store.hostSecrets.get(pattern, port)
  } catch {
    return undefined
  }
}
