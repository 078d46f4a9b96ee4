import { SAVED_PROXY_PASSWORD } from '../../shared/proxy.ts'
import type { Settings } from '../../shared/settings.ts'

/**
 * The settings as the renderer and local clients see them: a saved proxy password is replaced by a marker, so
 * it never travels in `settings:get` answers or `settings:changed` events (nor in their logs).
 */
export function withoutProxyPassword(s: Settings): Settings {
  if (s.proxy.mode !== 'manual' || s.proxy.server.password === undefined) return s
  return { ...s, proxy: { ...s.proxy, server: { ...s.proxy.server, password: SAVED_PROXY_PASSWORD } } }
}

/** A change that sends the marker back keeps the saved password (for the same proxy and user only). */
export function keepProxyPassword(change: Partial<Settings>, previous: Settings): Partial<Settings> {
  const next = change.proxy
  if (next?.mode !== 'manual' || next.server.password !== SAVED_PROXY_PASSWORD) return change
  const old = previous.proxy.mode === 'manual' ? previous.proxy.server : undefined
  const same = old !== undefined && old.url === next.server.url && old.user === next.server.user
  const { password: _marker, ...server } = next.server
  return {
    ...change,
    proxy: { ...next, server: same && old.password !== undefined ? { ...server, password: old.password } : server },
  }
}
