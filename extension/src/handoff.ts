import { NOT_RUNNING_REASON } from '../../shared/native-messages.ts'
import { withoutServeTokens } from '../../shared/serve-token-cookie.ts'
import { api } from './api.ts'
import type { AddMessage, HostCookie } from './messages.ts'
import { addDownload, HostUnreachable } from './native.ts'
import { recordHandoff, type Handoff } from './state.ts'

export interface HandoffRequest {
  url: string
  referrer?: string
  filename?: string
  mime?: string
  size?: number
}

/**
 * The cookies the browser itself would send to `url`: getAll({url}) applies domain, path and Secure matching, so
 * a cookie of another origin never travels with this download. Pinpoint serve's token cookie is left in the
 * browser: cookies ignore ports, so it is "for" every server on serve's host, and Pinpoint would hand it to them.
 */
export async function cookiesFor(url: string): Promise<HostCookie[]> {
  const cookies = withoutServeTokens(await api.cookies.getAll({ url }).catch(() => []))
  return cookies.map((c) => ({
    name: c.name,
    value: c.value,
    domain: c.domain,
    path: c.path,
    secure: c.secure,
    ...(c.expirationDate === undefined ? {} : { expires: Math.floor(c.expirationDate) }),
  }))
}

/** Ask Pinpoint to take one download; the outcome is recorded for the popup and the badge either way. */
export async function handOff(req: HandoffRequest): Promise<Handoff> {
  const message: AddMessage = {
    type: 'add',
    url: req.url,
    ...(req.referrer ? { referrer: req.referrer } : {}),
    ...(req.filename ? { filename: req.filename } : {}),
    ...(req.mime ? { mime: req.mime } : {}),
    ...(req.size !== undefined && req.size > 0 ? { size: req.size } : {}),
    userAgent: navigator.userAgent,
    cookies: await cookiesFor(req.url),
  }
  const base = { at: Date.now(), url: req.url, ...(req.filename ? { filename: req.filename } : {}) }
  let outcome: Handoff
  try {
    const reply = await addDownload(message)
    // The host answering for a Pinpoint that is not running is no refusal: Pinpoint could not be asked.
    outcome = reply.accepted
      ? { ...base, state: 'accepted' }
      : reply.reason === NOT_RUNNING_REASON
        ? { ...base, state: 'unreachable', reason: `${NOT_RUNNING_REASON}: start the app or \`pinpoint serve\`` }
        : { ...base, state: 'refused', reason: `Pinpoint refused it: ${reply.reason}` }
  } catch (e) {
    const reason = e instanceof HostUnreachable ? e.message : `Hand-off failed: ${String(e)}`
    outcome = { ...base, state: 'unreachable', reason }
  }
  await recordHandoff(outcome)
  await showOutcome(outcome)
  return outcome
}

/** The badge and the tooltip: a red `!` and the reason after a failure, cleared after a success. */
export async function showOutcome(h: Handoff): Promise<void> {
  const failed = h.state !== 'accepted'
  await api.action.setBadgeText({ text: failed ? '!' : '' }).catch(() => {})
  if (failed) await api.action.setBadgeBackgroundColor({ color: '#b3261e' }).catch(() => {})
  await api.action.setTitle({ title: failed ? `Pinpoint: ${h.reason ?? h.state}` : 'Pinpoint' }).catch(() => {})
}
