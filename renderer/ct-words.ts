import type { CtReport, SctReport } from '../shared/ct.ts'
import type { Tone } from './connection-trust.ts'

/**
 * A connection's Certificate Transparency verdict in words and a tone: green when the policy is met, red when
 * it failed and the host enforces it (the connection was refused), amber when it failed only in report mode or
 * could not be decided on a stale list, and the text's own colour when no list is installed or a private CA (or
 * a pinned key) vouches for the host in report mode.
 */
export function ctWords(ct: CtReport): { tone: Tone; text: string } {
  const mode = ct.mode === 'enforce' ? 'enforced' : 'report only'
  switch (ct.verdict) {
    case 'ok':
      return { tone: 'ok', text: `policy met (${mode}): ${ct.reason}` }
    case 'failed':
      return { tone: ct.mode === 'enforce' ? 'bad' : 'warn', text: `policy not met (${mode}): ${ct.reason}` }
    case 'stale':
      return { tone: 'warn', text: `not decided, stale log list: ${ct.reason}` }
    case 'no-log-list':
      return { tone: 'neutral', text: `not checked: ${ct.reason}` }
    case 'not-applicable':
      return { tone: 'neutral', text: `not applicable: private CA (${ct.reason})` }
  }
}

/** One SCT on a line: which log (or that the list does not know it), when, and whether it counts. */
export function sctWords(sct: SctReport): { tone: Tone; text: string } {
  const log = sct.log ?? `unknown log ${sct.logId.slice(0, 12)}…`
  const who = sct.operator ? `${log} (${sct.operator})` : log
  const when = sct.timestamp.replace('T', ' ').replace(/\.\d+Z$/, ' UTC')
  return sct.valid
    ? { tone: 'ok', text: `${who}, ${when}: valid` }
    : {
        tone: sct.error === 'no log list to check it against' ? 'neutral' : 'bad',
        text: `${who}, ${when}: ${sct.error ?? 'not valid'}`,
      }
}
