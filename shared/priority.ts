import { z } from 'zod'

/**
 * How a transfer competes for the line: `background` ones give way first (a schedule window may pause only them).
 */
export const Priority = z.enum(['normal', 'background'])
export type Priority = z.output<typeof Priority>

/** A transfer's priority; one that carries none, or one this version cannot read, is `normal`. */
export function priorityOf(transfer: object): Priority {
  const parsed = Priority.safeParse((transfer as { readonly priority?: unknown }).priority)
  return parsed.success ? parsed.data : 'normal'
}
