import type { HostsSlice } from './hosts-slice.ts'
import type { SettingsSlice } from './settings-slice.ts'
import type { TransfersSlice } from './transfers-slice.ts'
import type { UiSlice } from './ui-slice.ts'

/** The whole renderer state: one bound store made of slices. */
export type AppState = TransfersSlice & HostsSlice & SettingsSlice & UiSlice
