import { execFile } from 'node:child_process'
import { once } from 'node:events'
import { mkdtemp, readdir, readFile } from 'node:fs/promises'
import { createServer, type AddressInfo, type Server, type Socket } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { setTimeout as delay } from 'node:timers/promises'
import { fileURLToPath } from 'node:url'
import { gzipSync } from 'node:zlib'

import { afterAll, beforeAll, describe, expect, it } from 'vitest'

import { runCli } from '../../fixtures/run-cli.ts'

/**
 * `pinpoint get` against servers that write their responses the way many real ones do: in pieces, with
 * transfer codings, or with framing that contradicts itself. Each connection gets the pieces of `responses`
 * for its path, written one at a time with a pause between them.
 */
const responses: Record<string, Array<string | Buffer>> = {}
let server: Server
let port: number

beforeAll(async () => {
  server = createServer((socket: Socket) => {
    socket.setNoDelay(true)
    socket.on('error', () => {})
    let head = ''
    socket.on('data', async (chunk) => {
      head += chunk.toString('latin1')
      if (!head.includes('\r\n\r\n')) return
      const path = /^GET (\S+)/.exec(head)?.[1] ?? ''
      head = ''
      for (const piece of responses[path] ?? ['HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n']) {
        if (socket.destroyed) return
        socket.write(piece)
        await delay(50)
      }
    })
  })
  server.listen(0, '127.0.0.1')
  await once(server, 'listening')
  port = (server.address() as AddressInfo).port
  const zipped = gzipSync(Buffer.from('decoded body\n'.repeat(1000)))
  Object.assign(responses, {
    '/split.txt': ['HTTP/1.1 200 OK\r\n', 'Content-Length: 5\r\n', '\r\nhello'],
    '/both.txt': ['HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nContent-Length: 3\r\n\r\n5\r\nhello\r\n0\r\n\r\n'],
    '/gzip.txt': [
      'HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip, chunked\r\n\r\n',
      `${zipped.length.toString(16)}\r\n`,
      zipped,
      '\r\n0\r\n\r\n',
    ],
  })
})
afterAll(async () => {
  server.close()
  await once(server, 'close')
})

const tmp = () => mkdtemp(join(tmpdir(), 'pinpoint-framing-'))

describe('pinpoint get against real-world framing', () => {
  it('downloads from a server that writes the status line, the headers and the blank line apart', async () => {
    const dir = await tmp()
    const run = await runCli(['get', '-d', dir, `http://127.0.0.1:${port}/split.txt`])
    expect(run.code).toBe(0)
    expect(await readFile(join(dir, 'split.txt'), 'utf8')).toBe('hello')
  })

  it('refuses chunked with Content-Length (exit 3, malformed) and saves nothing, not a truncated file', async () => {
    const dir = await tmp()
    const run = await runCli(['get', '--retry', '0', '-d', dir, `http://127.0.0.1:${port}/both.txt`])
    expect(run.code).toBe(3)
    expect(run.stderr).toContain('malformed response (both Transfer-Encoding and Content-Length)')
    expect((await readdir(dir)).filter((f) => !f.endsWith('.part'))).toEqual([])
  })

  it('saves the bytes beneath a gzip transfer coding, not the gzip stream', async () => {
    const dir = await tmp()
    const run = await runCli(['get', '-d', dir, `http://127.0.0.1:${port}/gzip.txt`])
    expect(run.code).toBe(0)
    expect(await readFile(join(dir, 'gzip.txt'), 'utf8')).toBe('decoded body\n'.repeat(1000))
  })
})

describe('the exit code of a command that never settles', () => {
  it('is INTERNAL (1) with a line saying so, never Node 13', async () => {
    const module = fileURLToPath(new URL('../../../electron/cli/exit-when-settled.ts', import.meta.url))
    const script = `import { exitWhenSettled } from ${JSON.stringify(module)}
      await exitWhenSettled(new Promise(() => {}), (t) => process.stderr.write(t))`
    const got = await new Promise<{ code: number | null; stderr: string }>((resolve) => {
      execFile(process.execPath, ['--input-type=module', '-e', script], (err, _out, stderr) =>
        resolve({ code: err ? (err.code as number) : 0, stderr }),
      )
    })
    expect(got.code).toBe(1)
    expect(got.stderr).toContain('a promise was left unsettled')
    expect(got.stderr).not.toContain('Warning')
  })
})
