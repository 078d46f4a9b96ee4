import { exitCodeFor } from '../../shared/errors.ts'
import { isPinpointError, PinpointError } from '../../shared/pinpoint-error.ts'
import type { RefreshResult } from '../../shared/refresh.ts'
import { connectSetup } from './connect-options.ts'
import { connectControl } from './control-client.ts'
import type { CliIo } from './io.ts'
import { openEngine, stateDirOf } from './open-engine.ts'

const HOW: Record<string, string> = {
  validator: 'the same size and validator',
  ranges: 'the same size and the same bytes where the download has them',
  'nothing-on-disk': 'nothing was downloaded yet',
}

/**
 * `pinpoint refresh ID URL`: give a paused or failed download a new URL for the same file (its signed link
 * expired), keeping its progress; `pinpoint resume` then continues it. Through the running app or `serve` when one
 * holds the state folder, else straight in the store. A URL that does not serve the same file is refused, with
 * its reason, and nothing changes.
 */
export async function refreshCommand(
  idText: string,
  url: string,
  flags: { stateDir?: string; json?: boolean },
  io: CliIo,
): Promise<number> {
  const id = Number(idText)
  if (!/^\d+$/.test(idText) || !Number.isSafeInteger(id) || id < 1) {
    throw new PinpointError('BAD_INPUT', `refresh ${idText}: expected a download id from pinpoint ls`)
  }
  const result = await refreshIn(id, url, flags, io)
  if (flags.json) io.stdout(`${JSON.stringify({ id, ...result })}\n`)
  if (!result.ok) {
    if (!flags.json) io.stderr(`pinpoint: refresh ${id}: ${result.error.message}\n`)
    return exitCodeFor(result.error.code)
  }
  if (!flags.json) io.stdout(`${id}: new link kept (${HOW[result.matchedBy]}); continue it with pinpoint resume\n`)
  return 0
}

async function refreshIn(id: number, url: string, flags: { stateDir?: string }, io: CliIo): Promise<RefreshResult> {
  let engine
  try {
    engine = await openEngine(await connectSetup({}, []), flags.stateDir ? { stateDir: flags.stateDir } : {}, io)
  } catch (err) {
    // The app or `pinpoint serve` holds the folder: it checks the link, and its views show the change at once.
    const client =
      isPinpointError(err) && err.code === 'STATE_LOCKED' ? await connectControl(stateDirOf(flags, io)) : undefined
    if (!client) throw err
    try {
      return await client.request<RefreshResult>('transfers:refreshUrl', { id, url })
    } finally {
      client.close()
    }
  }
  try {
    return await engine.queue.refreshUrl(id, url)
  } finally {
    await engine.shutdown()
  }
}
