import { parseSignatureResult } from '../../shared/signature.ts'
import type { TransferRow } from '../store/transfer-row.ts'
import type { CliIo } from './io.ts'
import type { Engine } from './open-engine.ts'
import { createDisplay } from './progress-display.ts'
import { reportOutcomes } from './outcomes.ts'

const INTERRUPTED = 8

/**
 * Run these transfers to the end, showing progress, and turn the outcome into an exit code.
 *
 * SIGINT or SIGTERM stops gracefully: connections close, written bytes are fsynced and committed, the store
 * is closed, and the exit code is 8; the same command resumes. With several transfers, the first failure in
 * input order decides the code, while the others still run to completion.
 */
export async function runToEnd(engine: Engine, given: number[], json: boolean, io: CliIo): Promise<number> {
  // A URL given twice is one download (see addDownloads): it is shown, waited for and reported once.
  const ids = [...new Set(given)]
  const display = createDisplay(json ? 'json' : io.isTTY ? 'tty' : 'plain', json ? io.stdout : io.stderr, ids)
  const unsubscribe = engine.queue.subscribe((c) => display.update(c))
  let onInterrupt: (() => void) | undefined
  const interrupted = new Promise<'interrupted'>((resolve) => {
    onInterrupt = () => resolve('interrupted')
  })
  const removeSignal = io.onSignal(() => {
    void engine.shutdown().then(onInterrupt)
  })
  try {
    engine.queue.start(ids)
    const outcome = await Promise.race([engine.queue.settled(ids), interrupted])
    if (outcome === 'interrupted') {
      io.stderr('pinpoint: interrupted; progress saved, run the same command again to resume\n')
      return INTERRUPTED
    }
    await engine.shutdown()
    return report(outcome, io)
  } finally {
    unsubscribe()
    display.close()
    removeSignal()
    await engine.shutdown()
  }
}

function report(rows: TransferRow[], io: CliIo): number {
  return reportOutcomes(
    rows.map((row) => ({
      url: row.url,
      state: row.state,
      savedPath: row.savedPath,
      total: row.total,
      errorCode: row.errorCode,
      errorMessage: row.errorMessage,
      signature: parseSignatureResult(row.signatureResult) ?? null,
    })),
    io,
  )
}
