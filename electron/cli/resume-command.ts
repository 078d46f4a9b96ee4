import type { TransferState } from '../../shared/domain.ts'
import { parseProfile, serializeProfile, withRun } from '../../shared/profile.ts'
import { connectSetup, profileOf, type ConnectFlags } from './connect-options.ts'
import type { CliIo } from './io.ts'
import { openEngine } from './open-engine.ts'
import { runToEnd } from './run-to-end.ts'

const UNFINISHED: TransferState[] = [
  'queued',
  'paused',
  'failed',
  'connecting',
  'downloading',
  'verifying',
  'finalizing',
]

/** `pinpoint resume`: run every unfinished download in the state folder to the end. */
export async function resumeCommand(
  flags: ConnectFlags & { stateDir?: string; json?: boolean; maxConcurrent?: string },
  io: CliIo,
): Promise<number> {
  const setup = await connectSetup(flags, [])
  const maxConcurrent = flags.maxConcurrent === undefined ? undefined : Number(flags.maxConcurrent)
  const engine = await openEngine(
    setup,
    { ...(flags.stateDir ? { stateDir: flags.stateDir } : {}), ...(maxConcurrent ? { maxConcurrent } : {}) },
    io,
  )
  const rows = engine.store.transfers.listByState(UNFINISHED)
  if (rows.length === 0) {
    await engine.shutdown()
    io.stderr('nothing to resume\n')
    return 0
  }
  // Each download keeps the rules it started with; flags given now are applied over them.
  const run = profileOf(setup)
  if (run) {
    for (const row of rows) {
      const connection = serializeProfile(withRun(run, parseProfile(row.connection)))
      if (connection !== row.connection) engine.store.transfers.update(row.id, { connection })
    }
  }
  engine.queue.resume(rows.map((r) => r.id))
  return runToEnd(
    engine,
    rows.map((r) => r.id),
    flags.json ?? false,
    io,
  )
}
