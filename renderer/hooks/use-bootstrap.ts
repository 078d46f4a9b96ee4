import { useEffect } from 'react'

import { api, onReconnect } from '../api.ts'
import { bootstrap } from '../store/bootstrap.ts'
import { appStore } from '../store/index.ts'

/**
 * Mirror main's state into the store for as long as the app is mounted (see store/bootstrap.ts). A browser whose
 * socket to `pinpoint serve` came back resynchronises the same way: subscribe again, take a fresh snapshot.
 */
export function useBootstrap(): void {
  useEffect(() => {
    let off = bootstrap(api, appStore)
    const unwatch = onReconnect(() => {
      off()
      off = bootstrap(api, appStore)
    })
    return () => {
      unwatch()
      off()
    }
  }, [])
}
