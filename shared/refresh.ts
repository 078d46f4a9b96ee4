import { z } from 'zod'

import { Cookie } from './cookies.ts'
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

/**
 * What the browser that found the new link sends with it: its cookies for the new URL (they become the
 * download's own, sealed, once the link is taken) and the page it came from (the download's Referer from then on).
 */
export const RefreshFrom = z.strictObject({
  referrer: z
    .string()
    .max(8192)
    .refine((t) => URL.canParse(t) && /^https?:$/.test(new URL(t).protocol), { error: 'expected an http(s) URL' })
    .optional(),
  cookies: z.array(Cookie).max(1024).optional(),
})
export type RefreshFrom = z.output<typeof RefreshFrom>
