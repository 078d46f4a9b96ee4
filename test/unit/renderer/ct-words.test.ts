import { describe, expect, it } from 'vitest'

import type { CtReport } from '../../../shared/ct.ts'
import { ctWords, sctWords } from '../../../renderer/ct-words.ts'

const report = (over: Partial<CtReport>): CtReport => ({
  mode: 'report',
  policy: 'two-operators',
  verdict: 'ok',
  reason: 'why',
  scts: [],
  ...over,
})

describe('CT verdict in words', () => {
  it('is red only when an enforced policy failed, amber when it failed in report mode or the list is stale', () => {
    expect(ctWords(report({ verdict: 'ok' }))).toEqual({ tone: 'ok', text: 'policy met (report only): why' })
    expect(ctWords(report({ verdict: 'failed', mode: 'enforce' })).tone).toBe('bad')
    expect(ctWords(report({ verdict: 'failed' }))).toEqual({ tone: 'warn', text: 'policy not met (report only): why' })
    expect(ctWords(report({ verdict: 'stale', mode: 'enforce' })).tone).toBe('warn')
    expect(ctWords(report({ verdict: 'no-log-list' }))).toEqual({ tone: 'neutral', text: 'not checked: why' })
  })

  it('a private CA in report mode is neutral, not amber', () => {
    expect(ctWords(report({ verdict: 'not-applicable' }))).toEqual({
      tone: 'neutral',
      text: 'not applicable: private CA (why)',
    })
  })

  it('names each SCT by its log and operator, or as an unknown log by its id', () => {
    const at = '2026-12-06T21:04:07.000Z'
    expect(sctWords({ logId: 'AAAA', log: 'Argon', operator: 'Google', timestamp: at, valid: true })).toEqual({
      tone: 'ok',
      text: 'Argon (Google), 2026-12-06 21:04:07 UTC: valid',
    })
    const unknown = sctWords({
      logId: 'abcdefghijklmnopqrstuvwxyz',
      log: null,
      operator: null,
      timestamp: at,
      valid: false,
      error: 'unknown log',
    })
    expect(unknown).toEqual({ tone: 'bad', text: 'unknown log abcdefghijkl…, 2026-12-06 21:04:07 UTC: unknown log' })
  })
})
