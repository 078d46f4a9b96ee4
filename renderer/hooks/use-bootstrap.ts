import { useEffect } from 'react'

import { api } from '../api.ts'
import { bootstrap } from '../store/bootstrap.ts'
import { appStore } from '../store/index.ts'

/** Mirror main's state into the store for as long as the app is mounted (see store/bootstrap.ts). */
export function useBootstrap(): void {
  useEffect(() => bootstrap(api, appStore), [])
}
