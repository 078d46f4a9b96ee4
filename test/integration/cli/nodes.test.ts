import { createHash } from 'node:crypto'
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'

import { afterAll, beforeAll, describe, expect, it } from 'vitest'

import { openStore } from '../../../electron/store/open-store.ts'
import { startNginx, type NginxServer } from '../../fixtures/nginx.ts'
import { makePayload } from '../../fixtures/payload.ts'
import { makePki, type Pki } from '../../fixtures/pki.ts'
import { runCli } from '../../fixtures/run-cli.ts'
import { refusedPort } from '../../fixtures/silent-listener.ts'
import { makeTempDir, removeTempDir } from '../../fixtures/temp-dir.ts'

// `probe --nodes` against real nginx nodes of one host: 127.0.0.2 limited to 1 MiB/s, 127.0.0.3 unlimited, and
// an address where nothing listens. The measured order must follow what the servers really do.
let pki: Pki
let nginx: NginxServer

beforeAll(async () => {
  pki = await makePki()
  nginx = await startNginx({
    pki,
    files: { 'big.bin': makePayload(2 * 1024 * 1024, 5) },
    nodes: [{ address: '127.0.0.2', limitRate: '1m' }, { address: '127.0.0.3' }],
  })
}, 30_000)
afterAll(async () => {
  await nginx?.stop()
})

describe('pinpoint probe --nodes', () => {
  it('measures every node of a rule and ranks them by what they deliver; a dead one goes last', async () => {
    // A dead node: an address of ours with the port refused. The rule lists the slow node first on purpose.
    const dead = '127.0.0.9'
    expect(await refusedPort(dead)).toBeGreaterThan(0)
    const url = `https://a.test:${nginx.port}/big.bin`
    const resolve = `a.test:${nginx.port}:127.0.0.2,${dead},127.0.0.3`
    const r = await runCli([
      'probe',
      '--nodes',
      '--nodes-bytes',
      '512K',
      '--json',
      '--resolve',
      resolve,
      '--cacert',
      pki.caPath,
      url,
    ])
    expect(r.code).toBe(0)
    const report = JSON.parse(r.stdout) as {
      nodes: Array<{ address: string; bytes?: number; bytesPerSecond?: number; error?: { code: string } }>
    }
    expect(report.nodes.map((n) => n.address)).toEqual(['127.0.0.3', '127.0.0.2', dead])
    expect(report.nodes[0]?.bytes).toBe(512 * 1024)
    // nginx's limit_rate lets a first burst through; the slow node still measures well under the fast one.
    expect(report.nodes[1]?.bytesPerSecond).toBeLessThan(4 * 1024 * 1024)
    expect(report.nodes[0]?.bytesPerSecond).toBeGreaterThan(2 * (report.nodes[1]?.bytesPerSecond ?? 0))
    expect(report.nodes[2]?.error?.code).toBe('CONNECT_REFUSED')

    const table = await runCli([
      'probe',
      '--nodes',
      '--nodes-bytes',
      '64K',
      '--resolve',
      resolve,
      '--cacert',
      pki.caPath,
      url,
    ])
    expect(table.stdout).toMatch(/127\.0\.0\.9\s+rule\s+failed: .*refused/)
    expect(table.stdout.split('\n')[0]).toBe(`a.test:${nginx.port}, best first`)
  })

  it('keeps its ranking in the state folder, and the next `get` starts on the best node', async () => {
    const state = await makeTempDir('nodes-cli-state')
    const out = await makeTempDir('nodes-cli-out')
    try {
      const env = { PINPOINT_STATE_DIR: state }
      // The slow node is listed first: without the ranking a download would start there.
      const resolve = `a.test:${nginx.port}:127.0.0.2,127.0.0.3`
      const url = `https://a.test:${nginx.port}/big.bin`
      const common = ['--resolve', resolve, '--cacert', pki.caPath]
      const probe = await runCli(['probe', '--nodes', '--nodes-bytes', '512K', ...common, url], { env })
      expect(probe.code, probe.stderr).toBe(0)
      const stored = readStore(state, (s) => s.nodeRankings.get('a.test', nginx.port))
      expect(stored?.report.nodes.map((n) => n.address)).toEqual(['127.0.0.3', '127.0.0.2'])

      const get = await runCli(['get', '-s', '1', '-d', out, ...common, url], { env })
      expect(get.code, get.stderr).toBe(0)
      const nodes = readStore(state, (s) => {
        const [row] = s.transfers.list()
        return s.connections.list(row?.id ?? -1).map((c) => c.info.address)
      })
      expect(nodes.length).toBeGreaterThan(0)
      expect(new Set(nodes)).toEqual(new Set(['127.0.0.3']))
      const bytes = await readFile(join(out, 'big.bin'))
      expect(sha256(bytes)).toBe(sha256(makePayload(2 * 1024 * 1024, 5)))
    } finally {
      await removeTempDir(state)
      await removeTempDir(out)
    }
  })

  it('a measurement where no node answered is not kept', async () => {
    const state = await makeTempDir('nodes-cli-state')
    try {
      const dead = '127.0.0.9'
      const url = `https://a.test:${nginx.port}/big.bin`
      const r = await runCli(
        ['probe', '--nodes', '--resolve', `a.test:${nginx.port}:${dead}`, '--cacert', pki.caPath, url],
        { env: { PINPOINT_STATE_DIR: state } },
      )
      expect(r.code).toBe(3)
      expect(readStore(state, (s) => s.nodeRankings.get('a.test', nginx.port))).toBeUndefined()
    } finally {
      await removeTempDir(state)
    }
  })

  it('a node whose certificate fails the host pins is measured as failed, not trusted', async () => {
    const url = `https://a.test:${nginx.port}/big.bin`
    const r = await runCli([
      'probe',
      '--nodes',
      '--json',
      '--nodes-bytes',
      '1K',
      '--resolve',
      `a.test:${nginx.port}:127.0.0.3`,
      '--cacert',
      pki.caPath,
      '--pinnedpubkey',
      `sha256//${pki.bTest.pin}`,
      url,
    ])
    expect(r.code).toBe(5)
    expect(JSON.parse(r.stdout).nodes[0].error.code).toBe('PIN_MISMATCH')
  })

  it('a host name that does not exist is DNS_FAILED (exit 3) in one line, never an internal error', async () => {
    const state = await makeTempDir('nodes-cli-nxdomain')
    try {
      const r = await runCli(['probe', '--nodes', 'https://no-such-host.invalid/big.bin'], {
        env: { PINPOINT_STATE_DIR: state },
      })
      expect(r.code).toBe(3)
      expect(r.stderr.trim()).toBe('pinpoint: could not resolve no-such-host.invalid (ENOTFOUND)')
    } finally {
      await removeTempDir(state)
    }
  })

  it('bad --nodes-bytes is a usage error', async () => {
    const r = await runCli(['probe', '--nodes', '--nodes-bytes', 'lots', 'https://a.test/'])
    expect(r.code).toBe(2)
    expect(r.stderr).toContain('--nodes-bytes "lots"')
  })
})

function readStore<T>(dir: string, read: (s: ReturnType<typeof openStore>) => T): T {
  const store = openStore({ dir, readOnly: true })
  try {
    return read(store)
  } finally {
    store.close()
  }
}

function sha256(b: Buffer): string {
  return createHash('sha256').update(b).digest('hex')
}
