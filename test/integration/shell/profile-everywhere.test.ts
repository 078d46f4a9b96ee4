import { spawn } from 'node:child_process'
import { mkdtemp, readFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

import { afterEach, beforeAll, describe, expect, it } from 'vitest'

import { startCore, type Core } from '../../../electron/app-core.ts'
import { APP_PAGE_URL } from '../../../electron/shell/app-protocol.ts'
import { openStore } from '../../../electron/store/open-store.ts'
import type { TransferRow } from '../../../electron/store/transfer-row.ts'
import { startFaultServer, type FaultServer } from '../../fixtures/fault-server.ts'
import { makePayload, sha256 } from '../../fixtures/payload.ts'
import { makePki, type Pki } from '../../fixtures/pki.ts'
import { BIN } from '../../fixtures/run-cli.ts'
import { startTlsHttpServer, type TlsHttpServer } from '../../fixtures/tls-http-server.ts'
import { spawnServe, type ServeProcess } from '../serve/serve-process.ts'

/**
 * A download carries its own connection rules wherever it runs. The CLI starts one with `--resolve` (a.test
 * resolves nowhere else), `--pinnedpubkey` and `--cacert`, and is stopped; the app core and `pinpoint serve`,
 * which know none of those flags, then resume it from the same state folder.
 */
let pki: Pki
const body = makePayload(4 * 1024 * 1024, 7)
const closers: Array<() => Promise<unknown>> = []

beforeAll(async () => {
  pki = await makePki()
})
afterEach(async () => {
  for (const close of closers.splice(0).reverse()) await close().catch(() => {})
})

const tmp = (kind: string) => mkdtemp(join(tmpdir(), `pinpoint-profile-${kind}-`))

/** Start the download with the CLI against a slow server, and stop it (SIGTERM, exit 8) once it is under way. */
async function startWithCli(): Promise<{ port: number; state: string; dir: string }> {
  const server: FaultServer = await startFaultServer({
    tls: { keyPem: pki.aTest.keyPem, chainPem: pki.aTest.chainPem },
  })
  server.serve('/big.bin', { body, faults: { rateBytesPerSec: 1024 * 1024 } })
  const [state, dir] = [await tmp('state'), await tmp('dl')]
  const port = server.port
  const args = [
    'get',
    '--resolve',
    `a.test:${port}:127.0.0.1`,
    '--pinnedpubkey',
    `sha256//${pki.aTest.pin}`,
    '--cacert',
    pki.caPath,
    '--state-dir',
    state,
    '-d',
    dir,
    `https://a.test:${port}/big.bin`,
  ]
  const child = spawn(process.execPath, [BIN, ...args], { stdio: ['ignore', 'ignore', 'pipe'] })
  let stderr = ''
  child.stderr.on('data', (d: Buffer) => (stderr += String(d)))
  const exit = new Promise<number>((resolve) => child.once('exit', (code) => resolve(code ?? -1)))
  const deadline = Date.now() + 20_000
  while (server.log.reduce((n, e) => n + e.bytesSent, 0) < 512 * 1024) {
    if (Date.now() > deadline) throw new Error(`the CLI never got going: ${stderr}`)
    await new Promise((r) => setTimeout(r, 20))
  }
  child.kill('SIGTERM')
  expect(await exit, stderr).toBe(8)
  await server.close()
  return { port, state, dir }
}

/** The same port, now served by a server that counts every request byte, under the given identity. */
async function serverOn(port: number, identity: 'aTest' | 'aTestRotated'): Promise<TlsHttpServer> {
  const id = { keyPem: pki[identity].keyPem, chainPem: pki[identity].chainPem }
  const s = await startTlsHttpServer({
    port,
    default: id,
    sni: { 'a.test': id },
    handler: (req) => {
      const m = /^bytes=(\d+)-(\d*)$/.exec(req.headers['range'] ?? '')
      if (!m) return { status: 200, body }
      const start = Number(m[1])
      const end = m[2] ? Number(m[2]) : body.length - 1
      return {
        status: 206,
        headers: { 'content-range': `bytes ${start}-${end}/${body.length}`, etag: `"${sha256(body).slice(0, 16)}"` },
        body: body.subarray(start, end + 1),
      }
    },
  })
  closers.push(() => s.close())
  return s
}

async function appCore(state: string): Promise<Core> {
  const c = await startCore({
    stateDir: state,
    defaultDownloadDir: await tmp('default'),
    appUrl: APP_PAGE_URL,
    desktop: { chooseFolder: async () => undefined, reveal: () => {}, open: async () => '' },
    emit: () => {},
  })
  closers.push(() => c.shutdown())
  return c
}

/** The transfer as the state folder has it, once it has stopped running. */
async function settledRow(state: string, timeoutMs = 20_000): Promise<TransferRow> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const store = openStore({ dir: state, readOnly: true })
    const [row] = store.transfers.list()
    store.close()
    if (row && ['completed', 'failed', 'paused'].includes(row.state)) return row
    if (Date.now() > deadline) throw new Error(`still ${row?.state} after ${timeoutMs} ms`)
    await new Promise((r) => setTimeout(r, 50))
  }
}

describe("a download's own rules travel with it", () => {
  it('the app core resumes a CLI download at its address, under its pin', async () => {
    const { port, state, dir } = await startWithCli()
    const server = await serverOn(port, 'aTest')
    const c = await appCore(state)
    const row = await settledRow(state)
    expect(row).toMatchObject({ state: 'completed' })
    expect(sha256(await readFile(join(dir, 'big.bin')))).toBe(sha256(body))
    // Reached at the profile's address (a.test resolves nowhere else), and the pin was checked and matched.
    expect(JSON.parse(row.lastConnection ?? '{}')).toMatchObject({ address: '127.0.0.1', pinned: true })
    expect(server.stats.requests.every((r) => r.headers['range']?.startsWith('bytes=') && r.path === '/big.bin')).toBe(
      true,
    )
    expect(server.stats.requests[0]?.headers['range']).not.toBe('bytes=0-')
    await c.shutdown()
  })

  it('the app core refuses to resume when the pin no longer matches, and sends the server zero request bytes', async () => {
    const { port, state } = await startWithCli()
    // The same name, a valid certificate for it, but another key: only the download's own pin can catch it.
    const server = await serverOn(port, 'aTestRotated')
    await appCore(state)
    const row = await settledRow(state)
    expect(row).toMatchObject({ state: 'failed', errorCode: 'PIN_MISMATCH' })
    await server.whenIdle()
    expect(server.stats.totalRequestBytes).toBe(0)
    expect(server.stats.requests).toEqual([])
  })

  it('pinpoint serve resumes a CLI download at its address and refuses it under a key the pin does not match', async () => {
    const good = await startWithCli()
    await serverOn(good.port, 'aTest')
    const serve = startServe(good.state, good.dir)
    await serve.url()
    expect(await settledRow(good.state)).toMatchObject({ state: 'completed' })
    expect(sha256(await readFile(join(good.dir, 'big.bin')))).toBe(sha256(body))

    const bad = await startWithCli()
    const rotated = await serverOn(bad.port, 'aTestRotated')
    const serve2 = startServe(bad.state, bad.dir)
    await serve2.url()
    expect(await settledRow(bad.state)).toMatchObject({ state: 'failed', errorCode: 'PIN_MISMATCH' })
    await rotated.whenIdle()
    expect(rotated.stats.totalRequestBytes).toBe(0)
  })
})

function startServe(state: string, root: string): ServeProcess {
  const serve = spawnServe(process.execPath, [BIN, 'serve', '--port', '0', '--state-dir', state, '--root', root])
  closers.push(async () => {
    serve.child.kill('SIGTERM')
    await serve.exited
  })
  return serve
}
