import { open, unlink, type FileHandle } from 'node:fs/promises'
import { join } from 'node:path'

import { isPinpointError, PinpointError } from '../../shared/pinpoint-error.ts'
import type { ConnectionInfo } from '../transport/connection-info.ts'
import { asPinpointError, httpRequest } from '../transport/http-request.ts'
import type { Transport } from '../transport/transport.ts'
import { nameFromUrl } from './file-names.ts'
import { fileError, finalizePart } from './finalize.ts'

export interface SingleDownload {
  transport: Transport
  url: URL
  dir: string
  /** An explicit file name (`-o`); otherwise one is taken from the URL. */
  fileName?: string
  signal?: AbortSignal
  onProgress?: (done: number, total: number | undefined) => void
}

export interface DownloadResult {
  path: string
  bytes: number
  connection: ConnectionInfo
}

const WRITE_BATCH = 1 << 20

/**
 * Fetch a URL over one connection into `dir`, all or nothing.
 *
 * Nothing touches the disk until the server has answered 2xx; the body goes to an exclusively created `.part`
 * file in the target folder in 1 MiB positional writes, is checked against Content-Length, fsynced, and only
 * then linked to its final name. Any failure removes the `.part`, so a failed run leaves no output file.
 */
export async function downloadOnce(d: SingleDownload): Promise<DownloadResult> {
  const res = await httpRequest(d.transport, { url: d.url, ...(d.signal ? { signal: d.signal } : {}) })
  const host = res.connection.host
  if (res.status < 200 || res.status > 299) {
    await res.close()
    const location = res.headers.location ? ` (redirect to ${String(res.headers.location)} not followed)` : ''
    throw new PinpointError('HTTP_STATUS', `${host}: HTTP ${res.status}${location} for ${d.url.href}`, {
      host,
      address: res.connection.address,
    })
  }
  const total = contentLength(res.headers['content-length'])
  const name = d.fileName ?? nameFromUrl(d.url)
  const finalPath = join(d.dir, name)
  const partPath = `${finalPath}.part`
  let fd: FileHandle | undefined
  let created = false
  try {
    // 'wx': never adopt or clobber a .part that another run or a planted symlink put there.
    fd = await open(partPath, 'wx').catch((err: unknown) => {
      throw fileError(err, partPath)
    })
    created = true
    const bytes = await writeBody(res.body, fd, total, d.onProgress, host)
    if (total !== undefined && bytes !== total) {
      throw new PinpointError('SIZE_MISMATCH', `${host}: got ${bytes} of ${total} bytes`, { host })
    }
    await fd.sync().catch((err: unknown) => {
      throw fileError(err, partPath)
    })
    await fd.close()
    fd = undefined
    const path = await finalizePart(partPath, finalPath)
    return { path, bytes, connection: res.connection }
  } catch (err) {
    await fd?.close().catch(() => {})
    if (created) await unlink(partPath).catch(() => {})
    throw isPinpointError(err) ? err : asPinpointError(err, host)
  } finally {
    await res.close()
  }
}

async function writeBody(
  body: AsyncIterable<Buffer>,
  fd: FileHandle,
  total: number | undefined,
  onProgress: SingleDownload['onProgress'],
  host: string,
): Promise<number> {
  const batch = Buffer.allocUnsafe(WRITE_BATCH)
  let filled = 0
  let written = 0
  const flush = async () => {
    if (filled === 0) return
    await fd.write(batch, 0, filled, written).catch((err: unknown) => {
      throw fileError(err, 'the .part file')
    })
    written += filled
    filled = 0
    onProgress?.(written, total)
  }
  for await (const chunk of body) {
    if (total !== undefined && written + filled + chunk.length > total) {
      throw new PinpointError('PROTOCOL_ERROR', `${host}: the body is longer than its Content-Length`, { host })
    }
    let off = 0
    while (off < chunk.length) {
      const n = Math.min(chunk.length - off, WRITE_BATCH - filled)
      chunk.copy(batch, filled, off, off + n)
      filled += n
      off += n
      if (filled === WRITE_BATCH) await flush()
    }
  }
  await flush()
  return written
}

function contentLength(value: string | string[] | undefined): number | undefined {
  if (typeof value !== 'string' || !/^\d+$/.test(value)) return undefined
  return Number(value)
}
