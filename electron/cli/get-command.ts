import { mkdir, stat } from 'node:fs/promises'
import { basename, dirname, resolve } from 'node:path'

import { exitCodeFor } from '../../shared/errors.ts'
import { isPinpointError, PinpointError } from '../../shared/pinpoint-error.ts'
import { downloadOnce } from '../engine/single-download.ts'
import { createTransport } from '../transport/transport.ts'
import { connectSetup, parseUrl, type ConnectFlags } from './connect-options.ts'
import type { CliIo } from './io.ts'

export interface GetFlags extends ConnectFlags {
  output?: string
  dir?: string
  stateDir?: string
}

/**
 * `pinpoint get`: download each URL in turn; the first failure in input order decides the exit code.
 *
 * All input is checked before anything is fetched, so a typo in the third URL does not leave two files behind
 * and a usage error.
 */
export async function getCommand(urlTexts: string[], flags: GetFlags, io: CliIo): Promise<number> {
  const urls = urlTexts.map(parseUrl)
  if (flags.output !== undefined && urls.length > 1) {
    throw new PinpointError('BAD_INPUT', '-o/--output names one file: give one URL, or use -d/--dir for several')
  }
  if (flags.output !== undefined && flags.dir !== undefined) {
    throw new PinpointError('BAD_INPUT', 'use either -o/--output or -d/--dir, not both')
  }
  const setup = await connectSetup(flags, urls)
  const stateDir = flags.stateDir ?? io.env.PINPOINT_STATE_DIR
  if (stateDir !== undefined) await ensureDir(resolve(io.cwd, stateDir), '--state-dir')

  const outPath = flags.output === undefined ? undefined : resolve(io.cwd, flags.output)
  const dir = outPath ? dirname(outPath) : resolve(io.cwd, flags.dir ?? '.')
  await ensureDir(dir, outPath ? '--output' : '--dir')

  const transport = createTransport({
    rules: () => setup.rules,
    ...(setup.ca ? { ca: setup.ca } : {}),
    ...(setup.connectTimeoutMs ? { connectTimeoutMs: setup.connectTimeoutMs } : {}),
  })
  let exit = 0
  for (const url of urls) {
    try {
      const result = await downloadOnce({
        transport,
        url,
        dir,
        ...(outPath ? { fileName: basename(outPath) } : {}),
      })
      const c = result.connection
      io.stderr(
        `saved ${result.path} (${result.bytes} bytes) from ${c.servername ?? c.host} at ${c.address}:${c.port}\n`,
      )
    } catch (err) {
      if (!isPinpointError(err)) throw err
      io.stderr(`pinpoint: ${err.message}\n`)
      if (exit === 0) exit = exitCodeFor(err.code)
    }
  }
  return exit
}

async function ensureDir(dir: string, flag: string): Promise<void> {
  try {
    await mkdir(dir, { recursive: true })
    if (!(await stat(dir)).isDirectory()) throw Object.assign(new Error('not a directory'), { code: 'ENOTDIR' })
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? 'unusable'
    throw new PinpointError('FILE_ERROR', `${flag} ${dir}: ${code}`)
  }
}
