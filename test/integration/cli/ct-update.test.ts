import { execFile } from 'node:child_process'
import { existsSync } from 'node:fs'
import { readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { promisify } from 'node:util'

import { afterAll, beforeAll, describe, expect, it } from 'vitest'

import { logListLoader } from '../../../electron/transport/ct/log-list-store.ts'
import { makeTestLog, testLogList } from '../../fixtures/ct-pki.ts'
import { makePki, type Pki } from '../../fixtures/pki.ts'
import { runCli } from '../../fixtures/run-cli.ts'
import { makeTempDir } from '../../fixtures/temp-dir.ts'
import { startTlsHttpServer, type TlsHttpServer } from '../../fixtures/tls-http-server.ts'

const run = promisify(execFile)
let pki: Pki
let server: TlsHttpServer
let dir: string
/** What the server serves at /log_list.json and /log_list.sig; a test may swap the list. */
const served: Record<string, Buffer> = {}

beforeAll(async () => {
  pki = await makePki()
  dir = await makeTempDir('ct-update')
  // The publisher's key and signature come from openssl, the way a publisher would sign with its own tools.
  await run('openssl', ['genpkey', '-algorithm', 'RSA', '-pkeyopt', 'rsa_keygen_bits:2048', '-out', join(dir, 'k.pem')])
  await run('openssl', ['pkey', '-in', join(dir, 'k.pem'), '-pubout', '-out', join(dir, 'pub.pem')])
  const logs = [makeTestLog('Log A', 'One'), makeTestLog('Log B', 'Two', 'rsa')]
  await writeFile(join(dir, 'list.json'), testLogList(logs))
  await run('openssl', [
    'dgst',
    '-sha256',
    '-sign',
    join(dir, 'k.pem'),
    '-out',
    join(dir, 'list.sig'),
    join(dir, 'list.json'),
  ])
  served['/log_list.json'] = await readFile(join(dir, 'list.json'))
  served['/log_list.sig'] = await readFile(join(dir, 'list.sig'))
  server = await startTlsHttpServer({
    default: { keyPem: pki.localhost.keyPem, chainPem: pki.localhost.chainPem },
    handler: (req) => {
      const body = served[req.path]
      return body ? { status: 200, body } : { status: 404, body: 'no' }
    },
  })
}, 60_000)
afterAll(async () => {
  await server?.close()
})

const update = (stateDir: string, extra: string[] = []) =>
  runCli(['ct', 'update', '--url', server.url('/log_list.json'), '--cacert', pki.caPath, '--json', ...extra], {
    env: { PINPOINT_STATE_DIR: stateDir },
  })

describe('pinpoint ct update', () => {
  it('installs a list whose signature verifies with the given key, with its date', async () => {
    const stateDir = await makeTempDir('ct-update-state')
    const r = await update(stateDir, ['--pubkey', join(dir, 'pub.pem')])
    expect(r.stderr).toBe('')
    expect(r.code).toBe(0)
    const summary = JSON.parse(r.stdout) as { logs: number; operators: number; date: string }
    expect(summary).toMatchObject({ logs: 2, operators: 2 })
    const stored = await readFile(join(stateDir, 'ct', 'log_list.json'))
    expect(stored.equals(served['/log_list.json'] as Buffer)).toBe(true)
    expect(logListLoader(stateDir)()?.timestamp.toISOString()).toBe(summary.date)
  })

  it('refuses a tampered list with exit 6 and keeps the list installed before', async () => {
    const stateDir = await makeTempDir('ct-update-state')
    expect((await update(stateDir, ['--pubkey', join(dir, 'pub.pem')])).code).toBe(0)
    const before = await readFile(join(stateDir, 'ct', 'log_list.json'))
    const original = served['/log_list.json'] as Buffer
    served['/log_list.json'] = Buffer.from(original.toString().replace('Log A', 'Log Z'))
    try {
      const r = await update(stateDir, ['--pubkey', join(dir, 'pub.pem')])
      expect(r.code).toBe(6)
      expect(r.stderr).toContain('does not match its signature')
    } finally {
      served['/log_list.json'] = original
    }
    expect((await readFile(join(stateDir, 'ct', 'log_list.json'))).equals(before)).toBe(true)
  })

  it("checks against Google's built-in key when no --pubkey is given, so a list signed by another key fails", async () => {
    const stateDir = await makeTempDir('ct-update-state')
    const r = await update(stateDir)
    expect(r.code).toBe(6)
    expect(existsSync(join(stateDir, 'ct', 'log_list.json'))).toBe(false)
  })

  it('a missing list is an HTTP failure (exit 3), and nothing is installed', async () => {
    const stateDir = await makeTempDir('ct-update-state')
    const r = await runCli(
      ['ct', 'update', '--url', server.url('/nothing.json'), '--cacert', pki.caPath, '--pubkey', join(dir, 'pub.pem')],
      { env: { PINPOINT_STATE_DIR: stateDir } },
    )
    expect(r.code).toBe(3)
    expect(r.stderr).toContain('HTTP 404')
    expect(existsSync(join(stateDir, 'ct'))).toBe(false)
  })
})
