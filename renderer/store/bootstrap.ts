import type { Api, Payload } from '../../shared/ipc.ts'
import type { AppStore } from './create-app-store.ts'

/**
 * Connect the store to main without losing an event: subscribe first, then load the snapshots.
 *
 * A `transfers:changed` batch that arrives before `transfers:list` answers is buffered, then applied after the
 * snapshot; the slice skips any batch whose seq the snapshot already covers. Host rules and settings carry no
 * seq, but each event sends the whole value, so one that arrived first is newer than (or equal to) the
 * snapshot and the snapshot is dropped. Returns the unsubscribe.
 */
export function bootstrap(api: Api, store: AppStore): () => void {
  const state = store.getState
  let disposed = false
  let buffered: Array<Payload<'transfers:changed'>> | null = []
  let hostsSeen = false
  let settingsSeen = false

  const offs = [
    api.on('transfers:changed', (changes) => {
      if (buffered !== null) buffered.push(changes)
      else state().applyTransferChanges(changes)
    }),
    api.on('hosts:changed', (rules) => {
      hostsSeen = true
      state().setHosts(rules)
    }),
    api.on('settings:changed', (settings) => {
      settingsSeen = true
      state().setSettings(settings)
    }),
    api.on('notice', (notice) => state().pushNotice(notice)),
    // Only ever pre-fills the add dialog: nothing is added until the user confirms there.
    api.on('links:offered', (offer) => state().offerLinks(offer.urls, offer.offer, offer.from)),
  ]

  const failed = (what: string) => (err: unknown) => {
    if (!disposed) state().pushNotice({ level: 'error', message: `Could not load ${what}: ${messageOf(err)}` })
  }

  api
    .invoke('transfers:list', {})
    .then((snapshot) => {
      if (!disposed) state().loadTransfers(snapshot)
    }, failed('the transfers'))
    .finally(() => {
      const pending = buffered ?? []
      buffered = null
      if (disposed) return
      for (const changes of pending) state().applyTransferChanges(changes)
    })

  api.invoke('hosts:list', {}).then((rules) => {
    if (!disposed && !hostsSeen) state().setHosts(rules)
  }, failed('the host rules'))

  api.invoke('settings:get', {}).then((settings) => {
    if (!disposed && !settingsSeen) state().setSettings(settings)
  }, failed('the settings'))

  // Asked again on every reconnect: a restarted daemon may have other roots.
  api.invoke('app:info', {}).then((info) => {
    if (!disposed) state().setAppInfo(info)
  }, failed('what this app offers'))

  return () => {
    disposed = true
    for (const off of offs) off()
  }
}

/** The message of whatever an invoke rejected with; Electron prefixes handler errors with the channel. */
export function messageOf(err: unknown): string {
  const text = err instanceof Error ? err.message : String(err)
  return text.replace(/^Error invoking remote method '[^']+': (Error: )?/, '')
}
