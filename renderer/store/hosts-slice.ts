import type { StateCreator } from 'zustand'

import type { HostRule } from '../../shared/domain.ts'
import type { AppState } from './app-state.ts'

export interface HostsState {
  rules: readonly HostRule[]
  loaded: boolean
}

export interface HostsSlice {
  hosts: HostsState
  setHosts: (rules: readonly HostRule[]) => void
}

/** The mirror of main's host rules; `hosts:changed` sends the whole list, so a set replaces it. */
export const createHostsSlice: StateCreator<AppState, [], [], HostsSlice> = (set) => ({
  hosts: { rules: [], loaded: false },
  setHosts: (rules) => set({ hosts: { rules, loaded: true } }),
})

/** The key main stores a rule under: pattern plus optional port. */
export function ruleKey(rule: Pick<HostRule, 'pattern' | 'port'>): string {
  return rule.port === undefined ? rule.pattern : `${rule.pattern}:${rule.port}`
}
