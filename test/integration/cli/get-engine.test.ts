import { spawn } from 'node:child_process'
import { mkdtemp, readdir, readFile, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

import { afterAll, beforeAll, describe, expect, it } from 'vitest'

import { startFaultServer, type FaultServer } from '../../fixtures/fault-server.ts'
import { makePayload, sha256 } from '../../fixtures/payload.ts'
import { makePki, type Pki } from '../../fixtures/pki.ts'
import { BIN, runCli } from '../../fixtures/run-cli.ts'

let server: FaultServer
let pki: Pki
const big = makePayload(4 * 1024 * 1024, 11)

beforeAll(async () => {
  pki = await makePki()
  server = await startFaultServer()
  for (let i = 0; i < 5; i++) server.serve(`/list/f${i}.bin`, { body: makePayload(50_000 + i, i) })
  server.serve('/big.bin', { body: big })
})
afterAll(async () => {
  await server.close()
})

const tmp = (kind: string) => mkdtemp(join(tmpdir(), `pinpoint-${kind}-`))

/** Start `pinpoint` and stop it with a signal once `ready()` says so; resolves with its exit code. */
async function interrupt(args: string[], ready: () => boolean, signal: NodeJS.Signals = 'SIGTERM') {
  const child = spawn(process.execPath, [BIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'] })
  let stderr = ''
  child.stderr.on('data', (d) => (stderr += d))
  const exit = new Promise<number>((r) => child.once('exit', (code) => r(code ?? -1)))
  const deadline = Date.now() + 20_000
  while (!ready()) {
    if (Date.now() > deadline) throw new Error('never ready')
    await new Promise((r) => setTimeout(r, 10))
  }
  child.kill(signal)
  return { code: await exit, stderr }
}

describe('pinpoint get, the engine behind it', () => {
  it('-i reads a list with comments and blank lines; -j runs several at once', async () => {
    const dir = await tmp('list')
    const list = join(dir, 'urls.txt')
    const urls = [0, 1, 2, 3, 4].map((i) => server.url(`/list/f${i}.bin`))
    await writeFile(list, `# my list\n\n${urls.join('\n')}\n   \n# end\n`)
    const out = join(dir, 'out')
    const r = await runCli(['get', '-j', '3', '-i', list, '-d', out])
    expect(r.code).toBe(0)
    expect(await readdir(out)).toEqual(['f0.bin', 'f1.bin', 'f2.bin', 'f3.bin', 'f4.bin'])
    expect(sha256(await readFile(join(out, 'f3.bin')))).toBe(sha256(makePayload(50_003, 3)))
  })

  it('-i - reads stdin; a bad line is a usage error naming the line, and nothing is fetched', async () => {
    const dir = await tmp('stdin')
    server.reset()
    const child = spawn(process.execPath, [BIN, 'get', '-i', '-', '-d', dir], {
      env: { ...process.env, PINPOINT_STATE_DIR: await tmp('state') },
    })
    let stderr = ''
    child.stderr.on('data', (d) => (stderr += d))
    child.stdin.end(`${server.url('/list/f0.bin')}\nftp://nope/x\n`)
    const code = await new Promise((r) => child.once('exit', r))
    expect(code).toBe(2)
    expect(stderr).toContain('stdin:2')
    expect(server.log).toHaveLength(0)
    expect(await readdir(dir)).toEqual([])
  })

  it('-s 4 downloads over four range connections, byte-identical; --json prints events', async () => {
    const dir = await tmp('split')
    server.reset()
    const r = await runCli(['get', '-s', '4', '--json', '-d', dir, server.url('/big.bin')])
    expect(r.code).toBe(0)
    expect(sha256(await readFile(join(dir, 'big.bin')))).toBe(sha256(big))
    // Four connections, and perhaps a steal or two when one finishes early.
    expect(server.log.filter((e) => e.status === 206).length).toBeGreaterThanOrEqual(4)
    const events = r.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l))
    expect(events.at(-1)).toMatchObject({ event: 'transfer', state: 'completed', done: big.length })
    expect(events.map((e) => e.seq)).toEqual([...events.map((e) => e.seq)].sort((a, b) => a - b))
  })

  it('SIGTERM stops gracefully with exit 8; the same command then resumes under If-Range', async () => {
    server.serve('/slow.bin', { body: big, faults: { rateBytesPerSec: 1024 * 1024 } })
    const dir = await tmp('sig')
    const state = await tmp('state')
    const args = ['get', '-s', '2', '--state-dir', state, '-d', dir, server.url('/slow.bin')]
    server.reset()
    const stopped = await interrupt(args, () => server.log.reduce((n, e) => n + e.bytesSent, 0) > 1024 * 1024)
    expect(stopped.code).toBe(8)
    expect(stopped.stderr).toContain('interrupted; progress saved')
    expect(await readdir(dir)).toEqual(['slow.bin.part'])
    const ls = JSON.parse((await runCli(['ls', '--json', '--state-dir', state])).stdout)
    expect(ls).toMatchObject({ state: 'queued' })
    expect(ls.done).toBeGreaterThan(0)

    server.setFaults('/slow.bin', {})
    server.reset()
    const again = await runCli(args)
    expect(again.code).toBe(0)
    expect(sha256(await readFile(join(dir, 'slow.bin')))).toBe(sha256(big))
    expect(server.log.every((e) => e.ifRange !== undefined && e.rangeHeader !== 'bytes=0-')).toBe(true)
    const rerun = await runCli(args)
    expect(rerun.stderr).toContain('already downloaded')
  })

  it('a second engine on the same state folder exits 7 naming the holder', async () => {
    server.serve('/hold.bin', { body: big, faults: { rateBytesPerSec: 256 * 1024 } })
    const state = await tmp('state')
    const dir = await tmp('lock')
    const child = spawn(process.execPath, [BIN, 'get', '--state-dir', state, '-d', dir, server.url('/hold.bin')])
    try {
      await new Promise((r) => setTimeout(r, 600))
      const second = await runCli(['get', '--state-dir', state, '-d', dir, server.url('/hold.bin')])
      expect(second.code).toBe(7)
      expect(second.stderr).toContain(`pid ${child.pid}`)
      const ls = await runCli(['ls', '--state-dir', state])
      expect(ls.code).toBe(0)
      expect(ls.stdout).toMatch(/downloading|connecting/)
    } finally {
      child.kill('SIGKILL')
    }
  })

  it('pinpoint resume keeps the pins a download started with, even with a new --resolve', async () => {
    const tlsA = await startFaultServer({ tls: { keyPem: pki.aTest.keyPem, chainPem: pki.aTest.chainPem } })
    const port = tlsA.port
    tlsA.serve('/p.bin', { body: big, faults: { rateBytesPerSec: 512 * 1024 } })
    const state = await tmp('state')
    const dir = await tmp('pins')
    const url = `https://a.test:${port}/p.bin`
    const pinArgs = ['--cacert', pki.caPath, '--pinnedpubkey', `sha256//${pki.aTest.pin}`]
    const started = await interrupt(
      ['get', '--state-dir', state, '-d', dir, '--resolve', `a.test:${port}:127.0.0.1`, ...pinArgs, url],
      () => tlsA.log.reduce((n, e) => n + e.bytesSent, 0) > 600 * 1024,
      'SIGINT',
    )
    expect(started.code).toBe(8)
    await tlsA.close()
    // Another node for the same name, with a valid certificate but a different key.
    const tlsB = await startFaultServer({
      tls: { keyPem: pki.aTestRotated.keyPem, chainPem: pki.aTestRotated.chainPem },
      host: '127.0.0.2',
      port,
    })
    tlsB.serve('/p.bin', { body: big })
    try {
      const moved = ['--state-dir', state, '--cacert', pki.caPath, '--resolve', `a.test:${port}:127.0.0.2`]
      const resumed = await runCli(['resume', ...moved])
      expect(resumed.code).toBe(5)
      expect(resumed.stderr).toContain(`sha256//${pki.aTestRotated.pin}`)
      expect(tlsB.log).toHaveLength(0)
      expect(await readdir(dir)).toEqual(['p.bin.part'])
    } finally {
      await tlsB.close()
    }
  })

  it.each([
    [['-s', '0'], /-s\/--split "0"/],
    [['--limit-rate', 'fast'], /--limit-rate "fast"/],
    [['--checksum', 'sha256=abc'], /sha256 is 64 hex digits/],
  ])('bad option %j exits 2', async (flags, message) => {
    const r = await runCli(['get', ...flags, server.url('/big.bin')])
    expect(r.code).toBe(2)
    expect(r.stderr).toMatch(message)
  })

  it('a checksum mismatch exits 6 and leaves no final file', async () => {
    const dir = await tmp('sum')
    const r = await runCli(['get', '--checksum', `sha256=${'0'.repeat(64)}`, '-d', dir, server.url('/list/f1.bin')])
    expect(r.code).toBe(6)
    expect(r.stderr).toMatch(/sha256 mismatch/)
    expect(await readdir(dir)).toEqual(['f1.bin.part'])
  })
})
