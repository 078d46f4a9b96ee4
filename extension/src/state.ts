import { api } from './api.ts'
import { DEFAULT_RULES, type CaptureRules } from './rules.ts'

/** How one hand-off ended: Pinpoint took it, refused it, or could not be asked (the browser kept it). */
export type HandoffState = 'accepted' | 'refused' | 'unreachable'

export interface Handoff {
  at: number
  url: string
  filename?: string
  state: HandoffState
  reason?: string
}

/** The popup shows this many, newest first. */
export const HANDOFF_LIMIT = 10
const HANDOFFS = 'handoffs'
const RULES = 'rules'

export async function loadRules(): Promise<CaptureRules> {
  const stored = (await api.storage.local.get(RULES))[RULES]
  return { ...DEFAULT_RULES, ...(typeof stored === 'object' && stored !== null ? stored : {}) }
}

export async function saveRules(patch: Partial<CaptureRules>): Promise<void> {
  await api.storage.local.set({ [RULES]: { ...(await loadRules()), ...patch } })
}

export async function loadHandoffs(): Promise<Handoff[]> {
  const stored = (await api.storage.local.get(HANDOFFS))[HANDOFFS]
  return Array.isArray(stored) ? (stored as Handoff[]) : []
}

// Hand-offs can finish together (a page's links at once); chaining keeps each read-modify-write whole.
let writing: Promise<void> = Promise.resolve()

export function recordHandoff(h: Handoff): Promise<void> {
  writing = writing.then(async () => {
    const list = [h, ...(await loadHandoffs())].slice(0, HANDOFF_LIMIT)
    await api.storage.local.set({ [HANDOFFS]: list })
  })
  return writing
}
