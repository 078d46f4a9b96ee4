import { describe, expect, it } from 'vitest'

import { createAppStore } from '../../../renderer/store/create-app-store.ts'
import { HostRule } from '../../../shared/domain.ts'

const PIN = btoa(String.fromCharCode(...new Uint8Array(32).fill(5)))
const rule = HostRule.parse({ pattern: 'nas.test', port: 8443, addresses: ['10.0.0.7'] })

describe('hosts slice: the rule being edited', () => {
  it('drops an answer meant for a rule that is no longer open', () => {
    const store = createAppStore()
    store.getState().openHostEditor(rule)
    const first = store.getState().hostEditor?.session
    store.getState().openHostEditor(null)
    store.getState().patchHostEditor({ probing: true }, first)
    expect(store.getState().hostEditor).toMatchObject({ original: null, probing: false })
    store.getState().patchHostEditor({ probing: true }, store.getState().hostEditor?.session)
    expect(store.getState().hostEditor?.probing).toBe(true)
  })

  it('shows a rule changed elsewhere when the form holds no edits, and keeps edits when it does', () => {
    const store = createAppStore()
    store.getState().openHostEditor(rule)
    const pinned = HostRule.parse({ ...rule, pins: [PIN], pinNotes: [{ pin: PIN, label: 'nas', addedAt: 1 }] })
    store.getState().setHosts([pinned])
    expect(store.getState().hostEditor?.original).toEqual(pinned)
    expect(store.getState().hostEditor?.draft.pins).toBe(`sha256//${PIN}`)
    expect(store.getState().hostEditor?.draft.notes).toEqual({ [PIN]: { label: 'nas', addedAt: 1 } })

    const edited = { ...(store.getState().hostEditor?.draft ?? ({} as never)), addresses: '10.0.0.8' }
    store.getState().patchHostEditor({ draft: edited })
    store.getState().setHosts([{ ...pinned, sni: 'other.test' }])
    expect(store.getState().hostEditor?.draft).toEqual(edited)
    expect(store.getState().hostEditor?.original).toEqual(pinned)
  })
})
