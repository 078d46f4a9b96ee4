import { PinpointError } from '../../shared/pinpoint-error.ts'
import { redactUrl } from '../../shared/redact-url.ts'
import type { Transport } from '../transport/transport.ts'
import { readBody } from '../transport/read-body.ts'
import { getFollowing } from './follow-redirects.ts'

/**
 * A small file (a signature, a key, a sums list) fetched whole through the download's own transport, so its
 * host rules and pins apply to it as to the file. Undefined for a 404 or 410 when `missingOk` (looking for a
 * sibling that may not exist); any other non-200 is an HTTP_STATUS failure, and a body over `maxBytes` is
 * refused rather than buffered.
 */
export async function fetchSmall(
  transport: Transport,
  url: URL,
  opts: { maxBytes: number; signal?: AbortSignal; idleTimeoutMs?: number; missingOk?: boolean },
): Promise<Buffer | undefined> {
  const { res } = await getFollowing(transport, url, {
    ...(opts.signal ? { signal: opts.signal } : {}),
    idleTimeoutMs: opts.idleTimeoutMs ?? 30_000,
  })
  try {
    if (opts.missingOk && (res.status === 404 || res.status === 410)) return undefined
    if (res.status !== 200) {
      throw new PinpointError('HTTP_STATUS', `${redactUrl(url)}: HTTP ${res.status}`, { host: url.hostname })
    }
    return await readBody(res, opts.maxBytes, () => tooLarge(url, opts.maxBytes))
  } finally {
    await res.close()
  }
}

function tooLarge(url: URL, max: number): PinpointError {
  return new PinpointError(
    'SIGNATURE_INVALID',
    `${redactUrl(url)} is larger than ${max} bytes: not a signature or sums file`,
  )
}
