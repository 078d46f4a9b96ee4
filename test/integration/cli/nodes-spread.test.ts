import { createHash } from 'node:crypto'
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'

import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'

import { startCore } from '../../../electron/app-core.ts'
import { APP_PAGE_URL } from '../../../electron/shell/app-protocol.ts'
import { openStore } from '../../../electron/store/open-store.ts'
import { parseProfile } from '../../../shared/profile.ts'
import { startNginx, type NginxServer } from '../../fixtures/nginx.ts'
import { makePayload } from '../../fixtures/payload.ts'
import { makePki, type Pki } from '../../fixtures/pki.ts'
import { runCli } from '../../fixtures/run-cli.ts'
import { makeTempDir, removeTempDir } from '../../fixtures/temp-dir.ts'

// Three nginx nodes of one host, each held to its own limit_rate (per connection): a download spread over
// several of them is served by each, which the transfer's connection history shows by address.
const FILE = makePayload(6 * 1024 * 1024, 21)
let pki: Pki
let nginx: NginxServer
const dirs: string[] = []

beforeAll(async () => {
  pki = await makePki()
  nginx = await startNginx({
    pki,
    files: { 'big.bin': FILE },
    nodes: [
      { address: '127.0.0.2', limitRate: '256k' },
      { address: '127.0.0.3', limitRate: '1m' },
      { address: '127.0.0.4', limitRate: '512k' },
    ],
  })
}, 30_000)
afterAll(async () => {
  await nginx?.stop()
})
afterEach(async () => {
  for (const d of dirs.splice(0)) await removeTempDir(d)
})

async function tempDirs(): Promise<{ state: string; out: string }> {
  const state = await makeTempDir('spread-state')
  const out = await makeTempDir('spread-out')
  dirs.push(state, out)
  return { state, out }
}

/** Every node address the one transfer in `state` connected to. */
function nodesUsed(state: string): Set<string> {
  const store = openStore({ dir: state, readOnly: true })
  try {
    const [row] = store.transfers.list()
    return new Set(
      store.connections
        .list(row?.id ?? -1)
        .filter((c) => c.info.refused === undefined)
        .map((c) => c.info.address),
    )
  } finally {
    store.close()
  }
}

const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex')

describe('pinpoint get --nodes-spread', () => {
  it("spreads one download's segments over the rule's nodes; without it, one node serves it all", async () => {
    const url = `https://a.test:${nginx.port}/big.bin`
    const common = [
      '-s',
      '6',
      '--resolve',
      `a.test:${nginx.port}:127.0.0.2,127.0.0.3,127.0.0.4`,
      '--cacert',
      pki.caPath,
    ]

    const plain = await tempDirs()
    const one = await runCli(['get', '-d', plain.out, ...common, url], { env: { PINPOINT_STATE_DIR: plain.state } })
    expect(one.code, one.stderr).toBe(0)
    expect(nodesUsed(plain.state).size).toBe(1)

    // The flag's count is optional: here it is followed by the URL, and means the three best.
    const spread = await tempDirs()
    const r = await runCli(['get', '-d', spread.out, ...common, '--nodes-spread', url], {
      env: { PINPOINT_STATE_DIR: spread.state },
    })
    expect(r.code, r.stderr).toBe(0)
    expect(nodesUsed(spread.state)).toEqual(new Set(['127.0.0.2', '127.0.0.3', '127.0.0.4']))
    expect(sha(await readFile(join(spread.out, 'big.bin')))).toBe(sha(FILE))
  }, 90_000)

  it('with a measurement, over the top n of its ranking', async () => {
    const { state, out } = await tempDirs()
    const env = { PINPOINT_STATE_DIR: state }
    const url = `https://a.test:${nginx.port}/big.bin`
    const common = ['--resolve', `a.test:${nginx.port}:127.0.0.2,127.0.0.3,127.0.0.4`, '--cacert', pki.caPath]
    const probe = await runCli(['probe', '--nodes', '--nodes-bytes', '1M', '--json', ...common, url], { env })
    expect(probe.code, probe.stderr).toBe(0)
    const ranked = (JSON.parse(probe.stdout) as { nodes: Array<{ address: string }> }).nodes.map((n) => n.address)

    const r = await runCli(['get', '-s', '4', '--nodes-spread', '2', '-d', out, ...common, url], { env })
    expect(r.code, r.stderr).toBe(0)
    expect(nodesUsed(state)).toEqual(new Set(ranked.slice(0, 2)))
    expect(sha(await readFile(join(out, 'big.bin')))).toBe(sha(FILE))
  }, 90_000)

  it('handed to a running app with the download, the app spreads it too', async () => {
    const { state, out } = await tempDirs()
    const app = await startCore({
      stateDir: state,
      defaultDownloadDir: out,
      appUrl: APP_PAGE_URL,
      desktop: { chooseFolder: async () => undefined, reveal: () => {}, open: async () => '' },
      emit: () => {},
    })
    try {
      const url = `https://a.test:${nginx.port}/big.bin`
      const resolve = `a.test:${nginx.port}:127.0.0.2,127.0.0.3,127.0.0.4`
      const r = await runCli([
        'get',
        '--state-dir',
        state,
        '-s',
        '4',
        '--nodes-spread',
        '2',
        '-d',
        out,
        '--resolve',
        resolve,
        '--cacert',
        pki.caPath,
        url,
      ])
      expect(r.code, r.stderr).toBe(0)
      const [row] = app.store.transfers.list()
      expect(parseProfile(row?.connection ?? null)?.nodesSpread).toBe(2)
      const used = new Set(app.store.connections.list(row?.id ?? -1).map((c) => c.info.address))
      expect(used).toEqual(new Set(['127.0.0.2', '127.0.0.3']))
      expect(sha(await readFile(join(out, 'big.bin')))).toBe(sha(FILE))
    } finally {
      await app.shutdown()
    }
  }, 90_000)

  it('a count outside 2-16 is a usage error', async () => {
    const r = await runCli(['get', '--nodes-spread', '1', `https://a.test:${nginx.port}/big.bin`])
    expect(r.code).toBe(2)
    expect(r.stderr).toContain('--nodes-spread "1"')
  })
})
