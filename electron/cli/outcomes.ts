import { exitCodeFor, type ErrorCode } from '../../shared/errors.ts'
import { redactUrl, redactUrlsIn } from '../../shared/redact-url.ts'
import { describeSignature, type SignatureResult } from '../../shared/signature.ts'
import type { CliIo } from './io.ts'

/** What the CLI says at the end about one download, however it ran (here or in a running Pinpoint). */
export interface Outcome {
  url: string
  state: string
  savedPath: string | null
  total: number | null
  /** The failure's stable code, and what the user is told; null when it stopped without one (interrupted). */
  errorCode: ErrorCode | null
  errorMessage: string | null
  signature: SignatureResult | null
}

/**
 * One line per download, in input order: where it was saved, or what went wrong. Returns the exit code: the
 * first failure's.
 */
export function reportOutcomes(outcomes: readonly Outcome[], io: CliIo): number {
  let exit = 0
  for (const o of outcomes) {
    if (o.state === 'completed') {
      io.stderr(`saved ${o.savedPath} (${o.total ?? '?'} bytes)\n`)
      if (o.signature) io.stderr(`  ${describeSignature(o.signature)}\n`)
      continue
    }
    io.stderr(`pinpoint: ${failureLine(o, outcomes.length > 1)}\n`)
    if (exit === 0) exit = exitCodeFor(o.errorCode ?? 'INTERRUPTED')
  }
  return exit
}

/**
 * What went wrong with one download. With several, a message that does not name the download's URL ("127.0.0.1:9:
 * connection refused") is given it, so each line of a list says which file it is about.
 */
function failureLine(o: Outcome, several: boolean): string {
  const url = redactUrl(o.url)
  if (o.errorMessage === null) return `${url}: ${o.state}`
  const message = redactUrlsIn(o.errorMessage)
  return several && !message.includes(url) ? `${url}: ${message}` : message
}
