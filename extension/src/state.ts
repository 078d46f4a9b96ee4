import { api } from './api.ts'
import { CaptureRulesSchema, parseRules, type CaptureRules } from './rules.ts'

/** How one hand-off ended: Pinpoint took it, refused it, or could not be asked (the browser kept it). */
export type HandoffState = 'accepted' | 'refused' | 'unreachable'

export interface Handoff {
  at: number
  url: string
  filename?: string
  state: HandoffState
  reason?: string
  /** `offer`: a page's links sent to Pinpoint's add dialog for review, not one download. */
  kind?: 'offer'
}

/** The popup shows this many, newest first. */
export const HANDOFF_LIMIT = 10
const HANDOFFS = 'handoffs'
const RULES = 'rules'

export async function loadRules(): Promise<CaptureRules> {
  return parseRules((await api.storage.local.get(RULES))[RULES])
}

/** Saves the rules with `patch` applied when they pass the schema; otherwise nothing changes and the reason is said. */
export async function saveRules(
  patch: Partial<Record<keyof CaptureRules, unknown>>,
): Promise<{ ok: true; rules: CaptureRules } | { ok: false; reason: string }> {
  const parsed = CaptureRulesSchema.safeParse({ ...(await loadRules()), ...patch })
  if (!parsed.success) {
    const issue = parsed.error.issues[0]
    return { ok: false, reason: issue?.message ?? 'not valid' }
  }
  await api.storage.local.set({ [RULES]: parsed.data })
  return { ok: true, rules: parsed.data }
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
