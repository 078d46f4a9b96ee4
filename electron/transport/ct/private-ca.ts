import { X509Certificate } from 'node:crypto'

import type { ChainCert } from '../../../shared/connection.ts'
import type { CtReport } from '../../../shared/ct.ts'
import { boundedMemo } from '../memo.ts'

const fingerprints = boundedMemo<ReadonlySet<string>>(64)
const PEM_BLOCK = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g

/** The SHA-256 fingerprints (Node's colon form) of every certificate in PEM bundles; an unreadable one is skipped. */
function fingerprintsOf(pem: string): ReadonlySet<string> {
  return fingerprints(pem, () => {
    const out = new Set<string>()
    for (const block of pem.match(PEM_BLOCK) ?? []) {
      try {
        out.add(new X509Certificate(block).fingerprint256)
      } catch {
        // Node refused the same block as an anchor; it can anchor nothing here either.
      }
    }
    return out
  })
}

/**
 * Whether a verified chain ends at an anchor the user added for this host or download (a rule's CA, `--cacert`)
 * rather than at one of the bundled roots. Node links the anchor it verified against into the presented chain,
 * so the anchor is one of the chain's certificates.
 */
export function endsAtLocalCa(chain: readonly ChainCert[], local: readonly string[]): boolean {
  if (local.length === 0 || chain.length === 0) return false
  return local.some((pem) => {
    const set = fingerprintsOf(pem)
    return chain.some((c) => set.has(c.fingerprint256))
  })
}

/**
 * A report-mode verdict for a host trusted privately (a locally added CA, or its pinned key): like Chrome, which
 * exempts locally trusted roots, CT is not asked of it. The SCTs stay listed; an enforced policy is never waived.
 */
export function privateCaReport(report: CtReport, why: 'local-ca' | 'pin'): CtReport {
  if (report.mode !== 'report') return report
  const reason =
    why === 'pin'
      ? 'the host is trusted by its pinned key, not by a public CA'
      : 'the chain ends at a CA added locally, and locally trusted roots are exempt'
  return { ...report, verdict: 'not-applicable', reason }
}
