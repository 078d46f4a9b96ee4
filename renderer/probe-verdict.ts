import type { Output } from '../shared/ipc.ts'

type Report = Output<'hosts:probe'>

/**
 * The one-line verdict of a probe. A chain that does not verify but whose leaf matched a pin can only have
 * connected under trust "pin" (under trust "ca" it fails before any pin is checked), so it reads as trusted, not
 * as a failure. Plain HTTP has no certificate at all: it reads as unencrypted, not as one that failed.
 */
export function probeVerdict(report: Report): { text: string; ok: boolean } {
  if (report.error) return { text: `Failed: ${report.error.code}: ${report.error.message}`, ok: false }
  if (report.protocol === null) return { text: 'Not encrypted (plain HTTP): nothing proves who answered', ok: false }
  const pin = report.pinned === true ? ', pin matched' : ''
  if (report.verified) return { text: `Certificate verified${pin}`, ok: true }
  if (report.pinned === true) {
    const leaf = report.chain[0]
    const selfSigned = report.chain.length === 1 && leaf !== undefined && leaf.subject === leaf.issuer
    return { text: `Trusted by pinned key (${selfSigned ? 'self-signed' : 'not verified by a CA'})`, ok: true }
  }
  return { text: `Not verified${report.verifyError === undefined ? '' : `: ${report.verifyError}`}`, ok: false }
}
