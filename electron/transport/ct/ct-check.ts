import type { CtMode, CtPolicy, CtReport } from '../../../shared/ct.ts'
import { boundedMemo } from '../memo.ts'
import type { LogList } from './log-list.ts'
import { checkCt } from './verify-scts.ts'

/** What a TLS attempt needs to check Certificate Transparency: the host's mode and policy, and the list in force. */
export interface CtSettings {
  mode: CtMode
  policy: CtPolicy
  list: LogList | undefined
  now: Date
}

const NO_LIST = {}
const memos = new WeakMap<object, (key: string, make: () => CtReport) => CtReport>()

/**
 * The CT report for a presented leaf and its issuer, by certificate fingerprints, list, mode, policy and minute:
 * a list of a thousand small files from one server presents the same leaf a thousand times, and each SCT costs
 * a signature check. Within a minute the answer cannot change except by the list, which is part of the key.
 */
export function ctReportFor(
  settings: CtSettings,
  leaf: { raw: Buffer; fingerprint256: string },
  issuer: { raw: Buffer; fingerprint256: string } | undefined,
): CtReport {
  const owner = settings.list ?? NO_LIST
  let memo = memos.get(owner)
  if (!memo) memos.set(owner, (memo = boundedMemo<CtReport>(256)))
  const minute = Math.floor(settings.now.getTime() / 60_000)
  const key = `${leaf.fingerprint256} ${issuer?.fingerprint256 ?? '-'} ${settings.mode} ${settings.policy} ${minute}`
  return memo(key, () => {
    const input = {
      leaf: leaf.raw,
      issuer: issuer?.raw,
      list: settings.list,
      mode: settings.mode,
      policy: settings.policy,
      now: settings.now,
    }
    try {
      return checkCt(input)
    } catch (err) {
      // checkCt turns every malformed input into a verdict; this runs inside a TLS event handler, where a throw
      // would leave the connection's promise unsettled, so a bug still ends as a failed verdict with its reason.
      const reason = `the CT check failed: ${(err as Error).message}`
      return { mode: settings.mode, policy: settings.policy, verdict: 'failed', reason, scts: [] }
    }
  })
}
