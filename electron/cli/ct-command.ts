import { readFile } from 'node:fs/promises'
import { resolve } from 'node:path'

import { PinpointError } from '../../shared/pinpoint-error.ts'
import { redactUrl } from '../../shared/redact-url.ts'
import { GOOGLE_LOG_LIST_KEY, GOOGLE_LOG_LIST_URL } from '../transport/ct/google-log-list-key.ts'
import { LogListError, logListSignatureValid, parseLogList } from '../transport/ct/log-list.ts'
import { installLogList, logListPaths } from '../transport/ct/log-list-store.ts'
import { httpRequest } from '../transport/http-request.ts'
import { readBody } from '../transport/read-body.ts'
import { createTransport, type Transport } from '../transport/transport.ts'
import { connectSetup, parseUrl, type ConnectFlags } from './connect-options.ts'
import type { CliIo } from './io.ts'
import { stateDirOf } from './open-engine.ts'

/** The published list is about 100 KiB; anything far larger is not a log list. */
const MAX_LIST_BYTES = 8 * 1024 * 1024
const MAX_SIG_BYTES = 16 * 1024

export interface CtUpdateFlags extends ConnectFlags {
  url?: string
  pubkey?: string
  stateDir?: string
  json?: boolean
}

/**
 * `pinpoint ct update`: fetch the v3 log list and its signature (the same URL with `.sig` for `.json`), verify
 * the signature with the publisher's key (Google's, unless `--pubkey` names another), and only then store
 * both in the state folder. A list that does not verify is never stored, so the one installed before stays.
 */
export async function ctUpdateCommand(flags: CtUpdateFlags, io: CliIo): Promise<number> {
  const url = parseUrl(flags.url ?? GOOGLE_LOG_LIST_URL)
  const sigUrl = new URL(url.href)
  sigUrl.pathname = url.pathname.endsWith('.json') ? `${url.pathname.slice(0, -5)}.sig` : `${url.pathname}.sig`
  const key = flags.pubkey === undefined ? GOOGLE_LOG_LIST_KEY : await readKey(resolve(io.cwd, flags.pubkey))
  const setup = await connectSetup(flags, [url, sigUrl])
  const transport = createTransport({
    rules: () => setup.rules,
    ...(setup.ca ? { ca: setup.ca } : {}),
    ...(setup.connectTimeoutMs ? { connectTimeoutMs: setup.connectTimeoutMs } : {}),
    ...(setup.dns ? { dns: () => setup.dns } : {}),
    keepAliveMs: 0,
  })
  const [json, sig] = await Promise.all([
    fetchSmall(transport, url, MAX_LIST_BYTES),
    fetchSmall(transport, sigUrl, MAX_SIG_BYTES),
  ])
  let ok: boolean
  try {
    ok = logListSignatureValid(json, sig, key)
  } catch (err) {
    throw new PinpointError('BAD_INPUT', (err as Error).message)
  }
  if (!ok) {
    throw new PinpointError('CT_LOG_LIST_INVALID', `the log list at ${redactUrl(url)} does not match its signature`)
  }
  let list
  try {
    list = parseLogList(json)
  } catch (err) {
    if (err instanceof LogListError) throw new PinpointError('CT_LOG_LIST_INVALID', err.message)
    throw err
  }
  const stateDir = stateDirOf(flags, io)
  installLogList(stateDir, json, sig, { url: redactUrl(url), at: new Date() })
  const summary = {
    version: list.version ?? null,
    date: list.timestamp.toISOString(),
    logs: list.logs.size,
    operators: list.operators,
    path: logListPaths(stateDir).json,
  }
  io.stdout(
    flags.json
      ? `${JSON.stringify(summary)}\n`
      : `installed CT log list ${summary.version ?? '(no version)'} of ${summary.date}: ${summary.logs} logs from ${summary.operators} operators\n  ${summary.path}\n`,
  )
  return 0
}

async function readKey(path: string): Promise<string> {
  try {
    return await readFile(path, 'utf8')
  } catch (err) {
    throw new PinpointError('BAD_INPUT', `cannot read --pubkey ${path}: ${(err as Error).message}`)
  }
}

/** A GET whose 200 body must fit in `max` bytes; a larger one is cut off as it arrives, never buffered whole. */
async function fetchSmall(transport: Transport, url: URL, max: number): Promise<Buffer> {
  const res = await httpRequest(transport, { url, idleTimeoutMs: 30_000 })
  const tooLarge = () => new PinpointError('HTTP_STATUS', `${redactUrl(url)}: more than ${max} bytes, not a log list`)
  try {
    if (res.status !== 200) throw new PinpointError('HTTP_STATUS', `${redactUrl(url)}: HTTP ${res.status}`)
    return await readBody(res, max, tooLarge)
  } finally {
    await res.close()
  }
}
