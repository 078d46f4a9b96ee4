import type { DnsChoice } from '../../shared/dns.ts'
import type { HostRule } from '../../shared/domain.ts'
import { PinpointError } from '../../shared/pinpoint-error.ts'
import type { ProxySetting } from '../../shared/proxy.ts'
import { readDnsSetting, settingDefaults, settingFields } from '../../shared/settings.ts'
import type { Store } from '../store/open-store.ts'
import { logListLoader } from '../transport/ct/log-list-store.ts'
import { envProxy, settingProxy, type ProxyLookup } from '../transport/proxy-setting.ts'
import { createTransport, type Transport, type TransportConfig } from '../transport/transport.ts'

/** Where one transport may differ from another built over the same store. */
export interface CoreTransportOptions extends Pick<
  TransportConfig,
  'connectTimeoutMs' | 'keepAliveMs' | 'onConnection' | 'ranking'
> {
  /** A rule tried ahead of the saved ones (one being edited): the first of equally specific rules wins. */
  ahead?: HostRule
}

/** Builds a transport as the core builds the download transport; see coreTransports. */
export type TransportMaker = (opts?: CoreTransportOptions) => Transport

/**
 * Transports over one store as the core builds them: the saved host rules, resolver and proxy settings, and the
 * installed Certificate Transparency log list, all read at every connect. `systemProxy` answers for the "system"
 * proxy setting (the environment's variables unless the app passes Chromium's answer). The download transport, the node
 * measurements and the Hosts view's checks all come from here, so a check sees what a download would.
 */
export function coreTransports(store: Store, systemProxy: ProxyLookup = envProxy(process.env)): TransportMaker {
  const ctLogList = logListLoader(store.dir)
  const proxy = settingProxy(() => savedProxy(store), systemProxy)
  return ({ ahead, ...opts } = {}) =>
    createTransport({
      rules: () => (ahead ? [ahead, ...store.hostRules.list()] : store.hostRules.list()),
      dns: () => savedDns(store),
      ctLogList,
      proxy,
      ...definedOnly(opts),
    })
}

function definedOnly<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>
}

/**
 * The app's resolver setting as saved. A value this version cannot read is an error for every connection that
 * depends on it (a FILE_ERROR, not retried), never a silent switch to the system resolver.
 */
export function savedDns(store: Store): DnsChoice | undefined {
  const saved = readDnsSetting(store.settings.get('dns'))
  if (!saved.ok) throw new PinpointError('FILE_ERROR', saved.message)
  return saved.dns.mode !== 'system' ? saved.dns : undefined
}

/** The saved proxy setting; one this version cannot read counts as the default (the system's). */
function savedProxy(store: Store): ProxySetting {
  // Asked at every request: with nothing saved (the usual case) there is nothing to validate.
  const stored = store.settings.get('proxy')
  if (stored === undefined) return settingDefaults.proxy
  const saved = settingFields.proxy.safeParse(stored)
  return saved.success ? saved.data : settingDefaults.proxy
}
