import type { HttpResponse } from './http-request.ts'

/**
 * A response body read whole into memory, for answers that must be small (a signature, a log list, a DoH
 * answer, a compared range): refused with `tooLarge()` as soon as it is known to be over `maxBytes`. A declared
 * Content-Length says so before any byte is read; otherwise the count of bytes received does, the moment it
 * passes the limit, so a body that never ends (close-delimited, chunked) is cut off instead of buffered. A body
 * cut short (a reset, a timeout, a length mismatch) rejects with the transport's own error.
 *
 * The caller still owns the response and closes it: stopping the flow leaves the rest of the body unread, so
 * that connection is not reused.
 */
export function readBody(
  res: Pick<HttpResponse, 'headers' | 'body'>,
  maxBytes: number,
  tooLarge: () => Error,
): Promise<Buffer> {
  if (Number(res.headers['content-length'] ?? 0) > maxBytes) return Promise.reject(tooLarge())
  return new Promise<Buffer>((resolve, reject) => {
    const chunks: Buffer[] = []
    let size = 0
    res.body.read({
      data(chunk) {
        size += chunk.length
        if (size > maxBytes) {
          reject(tooLarge())
          return false
        }
        // The chunk is a view of the socket's reused read buffer: copy it.
        chunks.push(Buffer.from(chunk))
        return true
      },
      end: () => resolve(Buffer.concat(chunks)),
      error: reject,
    })
  })
}
