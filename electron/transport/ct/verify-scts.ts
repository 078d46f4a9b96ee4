import { createHash, verify } from 'node:crypto'

import type { CtMode, CtPolicy, CtReport, SctReport } from '../../../shared/ct.ts'
import { certificateParts, embeddedSctList, POISON_OID, SCT_LIST_OID, tbsWithout } from './certificate-parts.ts'
import { LOG_LIST_MAX_AGE_MS, type CtLog, type LogList } from './log-list.ts'
import { precertSignedData } from './precert-entry.ts'
import { parseSctList, type Sct } from './sct-list.ts'

const DAY = 24 * 60 * 60 * 1000
/** A log's clock may run a little ahead of ours; more than this and the SCT is from the future. */
const CLOCK_SKEW_MS = 5 * 60 * 1000
const NO_LIST = 'no log list installed (run `pinpoint ct update`)'

export interface CtInput {
  /** The leaf's DER. */
  leaf: Buffer
  /** The DER of the certificate that issued the leaf, whose key hash the log signed. */
  issuer: Buffer | undefined
  list: LogList | undefined
  mode: CtMode
  policy: CtPolicy
  now: Date
}

/**
 * Check the SCTs embedded in a leaf certificate against a log list, and apply the policy.
 *
 * Only embedded SCTs count (those delivered in the TLS extension or by OCSP stapling are not read): they are
 * what every publicly trusted certificate carries. The verdict never throws: a certificate that cannot be
 * parsed fails the policy with the parser's reason.
 */
export function checkCt(input: CtInput): CtReport {
  const base = { mode: input.mode, policy: input.policy }
  const listDate = input.list ? { listDate: input.list.timestamp.toISOString() } : {}
  let lifetimeMs: number
  let scts: SctReport[]
  try {
    const parts = certificateParts(input.leaf)
    lifetimeMs = parts.notAfter.getTime() - parts.notBefore.getTime()
    const list = embeddedSctList(parts)
    if (!list) {
      if (!input.list) return { ...base, verdict: 'no-log-list', reason: `${NO_LIST}; it carries no SCTs`, scts: [] }
      return { ...base, verdict: 'failed', reason: 'the certificate carries no SCTs', ...listDate, scts: [] }
    }
    const parsed = parseSctList(list)
    scts = judgeAll(parsed, input)
  } catch (err) {
    const reason = `the certificate's SCTs cannot be read: ${(err as Error).message}`
    return { ...base, verdict: input.list ? 'failed' : 'no-log-list', reason, ...listDate, scts: [] }
  }
  if (!input.list) {
    return { ...base, verdict: 'no-log-list', reason: NO_LIST, scts }
  }
  const age = input.now.getTime() - input.list.timestamp.getTime()
  if (age > LOG_LIST_MAX_AGE_MS) {
    const days = Math.floor(age / DAY)
    const reason = `the log list is ${days} days old (over 70); run \`pinpoint ct update\``
    return { ...base, verdict: 'stale', reason, ...listDate, scts }
  }
  const counted = scts.filter((s) => s.valid)
  const operators = new Set(counted.map((s) => s.operator)).size
  const needed = input.policy === 'chrome' && lifetimeMs > 180 * DAY ? 3 : 2
  const ok = counted.length >= needed && operators >= 2
  const have = `${counted.length} valid SCT${counted.length === 1 ? '' : 's'} from ${operators} operator${operators === 1 ? '' : 's'}`
  const want = `${needed} from at least 2 distinct operators`
  const reason = ok ? `${have} (policy: ${want})` : `${have}; the policy needs ${want}`
  return { ...base, verdict: ok ? 'ok' : 'failed', reason, ...listDate, scts }
}

function judgeAll(scts: Sct[], input: CtInput): SctReport[] {
  const lazy = { hash: undefined as Buffer | undefined, tbs: undefined as Buffer | undefined }
  const signedParts = () => {
    if (!input.issuer) throw new Error('the issuing certificate was not presented')
    lazy.hash ??= createHash('sha256').update(certificateParts(input.issuer).spki).digest()
    lazy.tbs ??= tbsWithout(input.leaf, [SCT_LIST_OID, POISON_OID])
    return { hash: lazy.hash, tbs: lazy.tbs }
  }
  return scts.map((sct) => judge(sct, input, signedParts))
}

function judge(sct: Sct, input: CtInput, signedParts: () => { hash: Buffer; tbs: Buffer }): SctReport {
  const logId = sct.logId.toString('base64')
  const log = input.list?.logs.get(logId)
  const report = {
    logId,
    log: log?.name ?? null,
    operator: log?.operator ?? null,
    timestamp: new Date(sct.timestamp).toISOString(),
  }
  const fail = (error: string): SctReport => ({ ...report, valid: false, error })
  if (!input.list) return fail('no log list to check it against')
  if (!log) return fail('unknown log')
  if (sct.hashAlgorithm !== 4) return fail(`hash algorithm ${sct.hashAlgorithm} is not SHA-256`)
  const keyType = log.key.asymmetricKeyType
  const expected = keyType === 'ec' ? 3 : keyType === 'rsa' ? 1 : -1
  if (sct.signatureAlgorithm !== expected) return fail(`signature algorithm does not match the log's ${keyType} key`)
  let parts: { hash: Buffer; tbs: Buffer }
  try {
    parts = signedParts()
  } catch (err) {
    return fail((err as Error).message)
  }
  if (!signatureValid(sct, log, parts)) return fail('bad signature')
  if (sct.timestamp > input.now.getTime() + CLOCK_SKEW_MS) return fail('timestamp in the future')
  const unusable = stateProblem(log, sct.timestamp)
  return unusable ? fail(unusable) : { ...report, valid: true }
}

function signatureValid(sct: Sct, log: CtLog, parts: { hash: Buffer; tbs: Buffer }): boolean {
  try {
    return verify('sha256', precertSignedData(sct, parts.hash, parts.tbs), log.key, sct.signature)
  } catch {
    return false
  }
}

/** Pending and rejected logs never count; a retired log's SCTs count only from before it retired. */
function stateProblem(log: CtLog, timestamp: number): string | undefined {
  if (log.state === 'pending' || log.state === 'rejected') return `the log is ${log.state}`
  if (log.state === 'retired' && (log.stateSince === undefined || timestamp >= log.stateSince)) {
    return 'the log had retired by then'
  }
  return undefined
}
