import { mkdir } from 'node:fs/promises'
import { basename, dirname, resolve } from 'node:path'

import { isPinpointError, PinpointError } from '../../shared/pinpoint-error.ts'
import { formatChecksum, parseChecksum } from '../engine/checksum.ts'
import { sanitizeName } from '../engine/file-names.ts'
import { parseRate } from '../../shared/rate.ts'
import { limits } from '../../shared/limits.ts'
import { withRun } from '../../shared/profile.ts'
import { addDownloads } from '../queue/add-downloads.ts'
import { connectSetup, parseUrl, profileOf, type ConnectFlags } from './connect-options.ts'
import type { CliIo } from './io.ts'
import { connectControl, getThroughControl } from './control-client.ts'
import { openEngine, stateDirOf, type Engine } from './open-engine.ts'
import { runToEnd } from './run-to-end.ts'
import { signatureRequestOf, type SignatureFlags } from './signature-options.ts'
import { readStdin, readUrlList } from './url-list.ts'
import { Priority } from '../../shared/priority.ts'
import { reportScheduleHolds } from './schedule-holds.ts'

import { requestSetup, type RequestFlags } from './request-options.ts'
import type { ExtraHeader } from '../../shared/extra-headers.ts'
import type { ConnectionProfile } from '../../shared/profile.ts'
import { unreadable } from './unreadable.ts'
import { onceEach } from './once-each.ts'
import { fileOnPath, notAFolder } from '../store/file-on-path.ts'

export interface GetFlags extends ConnectFlags, SignatureFlags, RequestFlags {
  output?: string
  dir?: string
  stateDir?: string
  inputFile?: string
  split?: string
  maxConcurrent?: string
  limitRate?: string
  checksum?: string
  retry?: string
  json?: boolean
  /** Beside a running app or serve: hand the downloads over and return at once. */
  detach?: boolean
  /** `--nodes-spread` alone (true) or with its count. */
  nodesSpread?: boolean | string
  /** `normal` or `background`; the saved setting when absent. */
  priority?: string
  /** Start now even inside a schedule window that would hold the downloads. */
  ignoreSchedule?: boolean
}

/**
 * `pinpoint get`: queue each URL (or find it already queued by an earlier run of the same command, which then
 * resumes), run them, and exit with the first failure in input order.
 *
 * All input is checked before anything is fetched, so a typo on line 3 of a list does not leave two
 * downloads behind and a usage error.
 */
export async function getCommand(urlTexts: string[], flags: GetFlags, io: CliIo): Promise<number> {
  // `--nodes-spread URL`: the option's value is optional, so commander hands it the URL that followed it.
  if (typeof flags.nodesSpread === 'string' && !/^\d+$/.test(flags.nodesSpread) && /:\/\//.test(flags.nodesSpread)) {
    urlTexts = [flags.nodesSpread, ...urlTexts]
    flags = { ...flags, nodesSpread: true }
  }
  const listed = flags.inputFile ? await readUrlList(flags.inputFile, io.stdin ?? readStdin) : []
  const urls = [
    ...urlTexts.map((t) => parseUrl(t)),
    ...listed.map((l) => {
      try {
        return parseUrl(l.text)
      } catch (err) {
        throw new PinpointError('BAD_URL', `${l.where}: ${(err as Error).message}`)
      }
    }),
  ]
  if (urls.length === 0) throw new PinpointError('BAD_INPUT', 'no URL given (as arguments or with -i FILE)')
  if (flags.output !== undefined && urls.length > 1) {
    throw new PinpointError('BAD_INPUT', '-o/--output names one file: give one URL, or use -d/--dir for several')
  }
  if (flags.output !== undefined && flags.dir !== undefined) {
    throw new PinpointError('BAD_INPUT', 'use either -o/--output or -d/--dir, not both')
  }
  if (flags.checksum !== undefined && urls.length > 1) {
    throw new PinpointError('BAD_INPUT', '--checksum is for one URL')
  }
  // Checked here too, so that a mistake names the flag.
  const checksum = flags.checksum === undefined ? undefined : formatChecksum(parseChecksum(flags.checksum))
  const split = positiveInt(flags.split, '-s/--split', limits.split.min, limits.split.max)
  const maxConcurrent = positiveInt(
    flags.maxConcurrent,
    '-j/--max-concurrent',
    limits.maxActive.min,
    limits.maxActive.max,
  )
  const retries = positiveInt(flags.retry, '--retry', 0, 100)
  const limitRate = flags.limitRate === undefined ? undefined : parseRate(flags.limitRate)
  if (flags.limitRate !== undefined && limitRate === undefined) {
    throw new PinpointError('BAD_INPUT', `--limit-rate "${flags.limitRate}": expected a rate such as 500K or 2M`)
  }
  const priority = priorityOf(flags.priority)
  const setup = await connectSetup(flags, urls)
  const signature = await signatureRequestOf(flags, io.cwd, urls.length)
  const sent = await requestSetup(flags, io)

  const outPath = flags.output === undefined ? undefined : resolve(io.cwd, flags.output)
  const dir = outPath ? dirname(outPath) : resolve(io.cwd, flags.dir ?? '.')
  await ensureDir(dir, outPath ? ['--output', outPath] : ['--dir', dir])
  const name = outPath ? sanitizeName(basename(outPath)) : undefined
  if (outPath && !name) throw new PinpointError('BAD_INPUT', `-o ${flags.output}: not a usable file name`)

  const spread = nodesSpreadOf(flags.nodesSpread)
  const base = profileOf(setup)
  const spreadProfile = spread === undefined ? base : { rules: [], ...base, nodesSpread: spread }
  const profile = withHeaders(spreadProfile, sent.headers)
  const request = {
    urls: urls.map((u) => u.href),
    dir,
    ...(name === undefined ? {} : { name }),
    ...(split === undefined ? {} : { split }),
    ...(checksum === undefined ? {} : { checksum }),
    ...(profile === undefined ? {} : { profile }),
    ...(signature === undefined ? {} : { signature }),
    ...(priority === undefined ? {} : { priority }),
    ...(flags.ignoreSchedule ? { ignoreSchedule: true } : {}),
    ...(sent.secrets === undefined ? {} : { secrets: sent.secrets }),
  }
  let engine: Engine
  try {
    engine = await openEngine(
      setup,
      {
        ...(maxConcurrent === undefined ? {} : { maxConcurrent }),
        ...(flags.stateDir ? { stateDir: flags.stateDir } : {}),
        ...(limitRate ? { limitRate } : {}),
        ...(retries === undefined ? {} : { retries }),
        ...(flags.ignoreSchedule ? { ignoreSchedule: true } : {}),
      },
      io,
    )
  } catch (err) {
    // The app or `pinpoint serve` holds the folder: hand the downloads to it instead.
    const client =
      isPinpointError(err) && err.code === 'STATE_LOCKED' ? await connectControl(stateDirOf(flags, io)) : undefined
    if (!client) throw err
    return getThroughControl(client, request, { json: flags.json ?? false, detach: flags.detach ?? false }, io)
  }
  // A resumed download keeps the rules it started with; this run's flags are applied over them.
  const { ignoreSchedule: _ignore, ...toAdd } = request
  const added = await addDownloads({ store: engine.store, queue: engine.queue }, { ...toAdd, mergeProfile: withRun })
  const refused = added.rejected[0]
  if (refused) {
    await engine.shutdown()
    throw new PinpointError('BAD_URL', `"${refused.input}": ${refused.reason}`)
  }
  engine.queue.resume(added.existing.filter((r) => r.state !== 'queued').map((r) => r.id))
  for (const row of onceEach(added.done)) io.stderr(`already downloaded: ${row.savedPath}\n`)
  try {
    const now = engine.store.transfers.getMany(added.rows.map((row) => row.id))
    reportScheduleHolds(
      added.rows.map((row) => engine.queue.view(now.get(row.id) ?? row)),
      Date.now(),
      io,
    )
  } catch (err) {
    await engine.shutdown()
    throw err
  }
  return runToEnd(
    engine,
    added.rows.filter((r) => !added.done.includes(r)).map((r) => r.id),
    flags.json ?? false,
    io,
  )
}

/** `--nodes-spread` alone means the three best nodes. */
export const DEFAULT_NODES_SPREAD = 3

function nodesSpreadOf(flag: boolean | string | undefined): number | undefined {
  if (flag === undefined || flag === false) return undefined
  if (flag === true) return DEFAULT_NODES_SPREAD
  return positiveInt(flag, '--nodes-spread', 2, 16)
}

function withHeaders(
  profile: ConnectionProfile | undefined,
  headers: ExtraHeader[] | undefined,
): ConnectionProfile | undefined {
  if (!headers) return profile
  return { ...(profile ?? { rules: [] }), headers }
}

function positiveInt(text: string | undefined, flag: string, min: number, max: number): number | undefined {
  if (text === undefined) return undefined
  const n = Number(text)
  if (!Number.isInteger(n) || n < min || n > max) {
    throw new PinpointError('BAD_INPUT', `${flag} "${text}": expected a whole number from ${min} to ${max}`)
  }
  return n
}

/**
 * Make the folder the downloads go into. A file where it or a folder above it should be is named (mkdir says only
 * EEXIST or ENOTDIR); any other reason is given as for a file that cannot be read. `flag` named `path`: the
 * folder, or the file to be saved in it.
 */
async function ensureDir(dir: string, [flag, path]: [string, string]): Promise<void> {
  try {
    await mkdir(dir, { recursive: true })
  } catch (err) {
    const file = fileOnPath(dir)
    if (file === undefined) throw new PinpointError('FILE_ERROR', `${flag} ${path}: ${unreadable(err)}`)
    throw new PinpointError('FILE_ERROR', notAFolder(flag, path, file))
  }
}

/** `--priority`: checked here, so a typo names the flag and the choices. */
function priorityOf(text: string | undefined): Priority | undefined {
  if (text === undefined) return undefined
  const parsed = Priority.safeParse(text.trim().toLowerCase())
  if (!parsed.success) {
    throw new PinpointError('BAD_INPUT', `--priority "${text}": expected ${Priority.options.join(' or ')}`)
  }
  return parsed.data
}
