import { z } from 'zod'

import { FailureInfo } from './errors.ts'

/** How a new URL was found to serve the file a download holds bytes of. */
export const RefreshMatch = z.enum(['validator', 'ranges', 'nothing-on-disk'])
export type RefreshMatch = z.output<typeof RefreshMatch>

/** What `transfers:refreshUrl` did: how the new URL was found to serve the same file, or why it was refused. */
export const RefreshResult = z.discriminatedUnion('ok', [
  z.strictObject({ ok: z.literal(true), matchedBy: RefreshMatch }),
  z.strictObject({ ok: z.literal(false), error: FailureInfo }),
])
export type RefreshResult = z.output<typeof RefreshResult>

/** A URL as an event log may show it: origin and path, never the query (a signed link's secret lives there). */
export function loggableUrl(url: URL): string {
  return `${url.origin}${url.pathname}`
}
