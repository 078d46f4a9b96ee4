import { createStore } from 'zustand/vanilla'
import { useStore } from 'zustand'

import type { FailureInfo } from '../shared/errors.ts'
import type { ProfileCheck } from '../shared/profile-ipc.ts'
import { api } from './api.ts'
import { messageOf } from './store/bootstrap.ts'
import { appStore } from './store/index.ts'

type Checked = Extract<ProfileCheck, { ok: true }>

/** The profile being imported: what it would change, then the user's answer. */
export interface ProfileImportState {
  file: { text: string; signature?: string } | null
  check: Checked | null
  error: FailureInfo | null
  busy: boolean
}

const idle: ProfileImportState = { file: null, check: null, error: null, busy: false }
export const profileImport = createStore<ProfileImportState>(() => idle)

export function useProfileImport<T>(select: (s: ProfileImportState) => T): T {
  return useStore(profileImport, select)
}

const PROFILE_NAME = /\.pinpoint-profile(\.json)?$/i

/** Whether these files are a host profile (and maybe its `.minisig`): what the Hosts view imports. */
export function isProfileDrop(files: readonly File[]): boolean {
  return (
    files.some((f) => PROFILE_NAME.test(f.name)) ||
    (files.length === 2 && files.some((f) => f.name.endsWith('.minisig')))
  )
}

/**
 * Read a picked or dropped profile (the one-file form, or the JSON and its `.minisig`), have main verify it and
 * compute the diff, and open the import dialog on the Hosts tab. Nothing is applied until the user confirms.
 */
export async function openProfileFiles(files: readonly File[]): Promise<void> {
  const sig = files.find((f) => f.name.endsWith('.minisig'))
  const doc = files.find((f) => f !== sig)
  appStore.getState().setTab('hosts')
  if (!doc) {
    profileImport.setState({
      ...idle,
      error: { code: 'BAD_INPUT', message: 'pick the profile file, not only its .minisig' },
    })
    return
  }
  try {
    const file = { text: await doc.text(), ...(sig ? { signature: await sig.text() } : {}) }
    profileImport.setState({ ...idle, file, busy: true })
    const check = await api.invoke('profiles:preview', file)
    profileImport.setState(
      check.ok ? { file, check, error: null, busy: false } : { file, check: null, error: check.error, busy: false },
    )
  } catch (err) {
    profileImport.setState({ ...idle, error: { code: 'INTERNAL', message: messageOf(err) } })
  }
}

/** Apply the checked profile: `trustKey` when the user confirmed a new key, `take` the conflicts to take. */
export async function applyProfileImport(trustKey: string | undefined, take: readonly string[]): Promise<boolean> {
  const { file } = profileImport.getState()
  if (!file) return false
  profileImport.setState({ busy: true })
  try {
    const done = await api.invoke('profiles:import', {
      ...file,
      ...(trustKey ? { trustKey } : {}),
      takeProfile: [...take],
    })
    if (!done.ok) {
      profileImport.setState({ busy: false, error: done.error })
      return false
    }
    profileImport.setState(idle)
    appStore
      .getState()
      .pushNotice({ level: 'info', message: `Imported host profile "${done.name}" version ${done.version}` })
    return true
  } catch (err) {
    profileImport.setState({ busy: false, error: { code: 'INTERNAL', message: messageOf(err) } })
    return false
  }
}

export function closeProfileImport(): void {
  profileImport.setState(idle)
}
