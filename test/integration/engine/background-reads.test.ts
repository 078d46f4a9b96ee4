import { mkdtemp, readFile } from 'node:fs/promises'
import { createServer, type Server } from 'node:http'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

import { afterAll, beforeAll, describe, expect, it } from 'vitest'

import { makePayload, sha256 } from '../../fixtures/payload.ts'
import { runCli } from '../../fixtures/run-cli.ts'

const body = makePayload(768 * 1024, 9)
const requests: Array<string | undefined> = []
let server: Server
let port = 0

beforeAll(async () => {
  // A server that honours no ranges: every request gets the whole file, with no Accept-Ranges.
  server = createServer((req, res) => {
    requests.push(req.headers.range)
    res.writeHead(200, { 'content-length': String(body.length), 'content-type': 'application/octet-stream' })
    res.end(body)
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  port = (server.address() as { port: number }).port
})
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())))

describe('a background download from a server without ranges', () => {
  it('paces its reads instead of its requests: one request, the whole file', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'pinpoint-bg-reads-'))
    const r = await runCli(['get', '--priority', 'background', '-d', dir, `http://127.0.0.1:${port}/file.bin`])
    expect(r.code, r.stderr).toBe(0)
    expect(sha256(await readFile(join(dir, 'file.bin')))).toBe(sha256(body))
    expect(requests).toHaveLength(1)
  }, 60_000)
})
