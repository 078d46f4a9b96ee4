import { useEffect, useState } from 'react'

import type { RuleOrigin } from '../../shared/host-profile.ts'
import { api } from '../api.ts'
import { ruleKey } from '../store/hosts-slice.ts'
import { useStore } from '../store/index.ts'

/** Where each saved rule came from (by the hosts slice's rule key), asked again whenever the rules change. */
export function useRuleOrigins(): ReadonlyMap<string, RuleOrigin> {
  const rules = useStore((s) => s.hosts.rules)
  const [origins, setOrigins] = useState<ReadonlyMap<string, RuleOrigin>>(new Map())
  useEffect(() => {
    let live = true
    api.invoke('profiles:origins', {}).then(
      (list) => {
        if (live) setOrigins(new Map(list.map((o) => [ruleKey(o), o])))
      },
      () => undefined,
    )
    return () => {
      live = false
    }
  }, [rules])
  return origins
}
