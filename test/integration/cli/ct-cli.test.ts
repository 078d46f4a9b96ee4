import { existsSync } from 'node:fs'
import { join } from 'node:path'

import { afterAll, beforeAll, describe, expect, it } from 'vitest'

import { installLogList } from '../../../electron/transport/ct/log-list-store.ts'
import { issueCtLeaf, makeTestLog, testLogList, type TestLog } from '../../fixtures/ct-pki.ts'
import { makePki, type Pki } from '../../fixtures/pki.ts'
import { runCli } from '../../fixtures/run-cli.ts'
import { makeTempDir } from '../../fixtures/temp-dir.ts'
import { startTlsHttpServer, type TlsHttpServer } from '../../fixtures/tls-http-server.ts'

// The server's leaf carries SCTs from two logs of one operator: it fails the CT policy.
let pki: Pki
let logs: TestLog[]
let server: TlsHttpServer

beforeAll(async () => {
  pki = await makePki()
  logs = [makeTestLog('Test Log A', 'Operator One'), makeTestLog('Test Log C', 'Operator One', 'rsa')]
  const leaf = await issueCtLeaf(pki, {
    name: 'cli',
    altNames: ['DNS:ct.test'],
    scts: logs.map((log) => ({ log })),
  })
  server = await startTlsHttpServer({ default: { keyPem: leaf.keyPem, chainPem: leaf.chainPem } })
}, 60_000)
afterAll(async () => {
  await server?.close()
})

async function stateWithList(): Promise<string> {
  const dir = await makeTempDir('ct-cli-state')
  installLogList(dir, testLogList(logs), Buffer.from('sig'), { url: 'https://list.test/', at: new Date() })
  return dir
}

const connect = () => ['--resolve', `ct.test:${server.port}:127.0.0.1`, '--cacert', pki.caPath]

describe('CT on the command line', () => {
  it('get --ct enforce exits 4 with CT_FAILED and sends the server zero request bytes', async () => {
    const stateDir = await stateWithList()
    const out = await makeTempDir('ct-cli-out')
    server.reset()
    const r = await runCli(['get', ...connect(), '--ct', 'enforce', '-d', out, server.url('/f.bin', 'ct.test')], {
      env: { PINPOINT_STATE_DIR: stateDir },
    })
    expect(r.code).toBe(4)
    expect(r.stderr).toContain('Certificate Transparency: 2 valid SCTs from 1 operator')
    await server.whenIdle()
    expect(server.stats.totalRequestBytes).toBe(0)
    expect(existsSync(join(out, 'f.bin'))).toBe(false)
  })

  it('get in report mode (no flag) downloads, and probe shows every SCT and the verdict', async () => {
    const stateDir = await stateWithList()
    const out = await makeTempDir('ct-cli-out')
    const got = await runCli(['get', ...connect(), '-d', out, server.url('/f.bin', 'ct.test')], {
      env: { PINPOINT_STATE_DIR: stateDir },
    })
    expect(got.code).toBe(0)
    const probe = await runCli(['probe', ...connect(), server.url('/', 'ct.test')], {
      env: { PINPOINT_STATE_DIR: stateDir },
    })
    expect(probe.code).toBe(0)
    expect(probe.stdout).toContain('ct         failed (report, two-operators): 2 valid SCTs from 1 operator')
    expect(probe.stdout).toMatch(/sct Test Log A \(Operator One\) \S+Z valid/)
    expect(probe.stdout).toMatch(/sct Test Log C \(Operator One\) \S+Z valid/)
    const json = await runCli(['probe', '--json', ...connect(), '--ct', 'enforce', server.url('/', 'ct.test')], {
      env: { PINPOINT_STATE_DIR: stateDir },
    })
    expect(json.code).toBe(4)
    expect(JSON.parse(json.stdout)).toMatchObject({
      error: { code: 'CT_FAILED' },
      ct: { verdict: 'failed', mode: 'enforce', scts: [{ valid: true }, { valid: true }] },
    })
  })

  it('a bad --ct value is a usage error', async () => {
    const r = await runCli(['probe', '--ct', 'maybe', server.url('/', 'ct.test')])
    expect(r.code).toBe(2)
    expect(r.stderr).toContain('--ct must be report or enforce')
  })
})
