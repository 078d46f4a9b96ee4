import { spawn } from 'node:child_process'
import { mkdtemp, readdir } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

import { afterAll, beforeAll, describe, expect, it } from 'vitest'

import { defaultRetry } from '../../../electron/engine/retry-policy.ts'
import { openStore } from '../../../electron/store/open-store.ts'
import { TransferView } from '../../../shared/transfer.ts'
import { BIN, runCli, type CliRun } from '../../fixtures/run-cli.ts'
import { refusedPort, startSilentListener, type SilentListener } from '../../fixtures/silent-listener.ts'

// How `pinpoint get` meets a host that is not there: a name that does not exist ends at once; a refused port and
// a server that never answers are retried, and every retry is said (which attempt of how many, when, and why)
// on stderr and in the --json events, before one last line gives the failure.
let silent: SilentListener

beforeAll(async () => {
  silent = await startSilentListener()
})
afterAll(async () => {
  await silent.close()
})

const tmp = (kind: string) => mkdtemp(join(tmpdir(), `pinpoint-${kind}-`))
const RETRY_LINE = /retrying (in \d+ s|now), attempt (\d+) of (\d+): (.*)/

/** The --json events on stdout, each checked against the contract. */
function events(r: CliRun): TransferView[] {
  return r.stdout
    .trim()
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => {
      const { event, seq, ...view } = JSON.parse(l) as { event: string; seq: number }
      expect([event, typeof seq]).toEqual(['transfer', 'number'])
      return TransferView.parse(view)
    })
}

/** The transfer's event log in a state folder the CLI has left. */
function eventKinds(stateDir: string): string[] {
  const store = openStore({ dir: stateDir })
  try {
    return store.transfers.list().flatMap((row) => store.events.list(row.id).map((e) => e.kind))
  } finally {
    store.close()
  }
}

describe('pinpoint get, retries', () => {
  it('a host name that does not exist fails at once with exit 3 and one line, and is not retried', async () => {
    const dir = await tmp('nxdomain')
    const stateDir = await tmp('nxdomain-state')
    const started = Date.now()
    const r = await runCli(['get', '--json', '-d', dir, 'https://no-such-host.invalid/x'], {
      env: { PINPOINT_STATE_DIR: stateDir },
    })
    // Generous: the process's own start-up is most of it; six tries with backoff took over 20 s.
    expect(Date.now() - started).toBeLessThan(5000)
    expect(r.code).toBe(3)
    expect(r.stderr.trim().split('\n')).toEqual([expect.stringContaining('no-such-host.invalid')])
    expect(r.stderr).toMatch(/^pinpoint: could not resolve no-such-host\.invalid/)
    const seen = events(r)
    expect(seen.at(-1)).toMatchObject({ state: 'failed', error: { code: 'DNS_FAILED' }, retry: null })
    expect(seen.every((v) => v.retry === null)).toBe(true)
    expect(eventKinds(stateDir)).not.toContain('retry')
    expect(eventKinds(stateDir)).toContain('error')
    expect(await readdir(dir)).toEqual([])
  })

  it.each([
    ['the proxy', ['-x', 'http://no-such-proxy.invalid:3128'], /^pinpoint: proxy http:\/\/no-such-proxy\.invalid:3128/],
    ['the DoH server', ['--doh-url', 'https://no-such-doh.invalid/dns-query'], /^pinpoint: DoH https:\/\/no-such-doh/],
  ])('%s named by a host name that does not exist fails at once with exit 3, not retried', async (_, flags, line) => {
    const started = Date.now()
    const r = await runCli(['get', ...flags, '-d', await tmp('nxdomain-via'), 'https://a.test/x'], {
      env: { PINPOINT_STATE_DIR: await tmp('nxdomain-via-state') },
    })
    expect(Date.now() - started).toBeLessThan(5000)
    expect(r.code).toBe(3)
    expect(r.stderr).not.toContain('retrying')
    expect(r.stderr.trim().split('\n')).toEqual([expect.stringMatching(line)])
    expect(r.stderr).toContain('ENOTFOUND')
  })

  it('a refused port is retried, each retry said on stderr with the attempt, the maximum and the reason', async () => {
    const port = await refusedPort()
    const r = await runCli(['get', '--retry', '2', '-d', await tmp('refused'), `http://127.0.0.1:${port}/x`])
    expect(r.code).toBe(3)
    const lines = r.stderr.trim().split('\n')
    const retries = lines.map((l) => RETRY_LINE.exec(l)).filter((m) => m !== null)
    expect(retries.map((m) => [m[2], m[3]])).toEqual([
      ['2', '3'],
      ['3', '3'],
    ])
    for (const m of retries) expect(m[4]).toContain(`127.0.0.1:${port}: connection refused`)
    expect(lines.at(-1)).toMatch(new RegExp(`^pinpoint: .*127\\.0\\.0\\.1:${port}: connection refused`))
  })

  it('--json: the events carry each retry, and the last one none', async () => {
    const port = await refusedPort()
    const r = await runCli([
      'get',
      '--json',
      '--retry',
      '1',
      '-d',
      await tmp('refused-json'),
      `http://127.0.0.1:${port}/x`,
    ])
    expect(r.code).toBe(3)
    const seen = events(r)
    const retry = seen.find((v) => v.retry !== null)?.retry
    expect(retry).toMatchObject({ attempt: 2, maxAttempts: 2, error: { code: 'CONNECT_REFUSED' } })
    expect(retry?.error.message).toContain(`127.0.0.1:${port}: connection refused`)
    expect(retry?.at).toBeGreaterThan(Date.now() - 60_000)
    expect(seen.at(-1)).toMatchObject({ state: 'failed', error: { code: 'CONNECT_REFUSED' }, retry: null })
  })

  it('--retry takes a whole number of retries; anything else is a usage error', async () => {
    for (const bad of ['-1', 'x', '1.5']) {
      const r = await runCli(['get', '--retry', bad, 'http://127.0.0.1:1/x'])
      expect(r.code).toBe(2)
      expect(r.stderr).toContain(`--retry "${bad}": expected a whole number from 0 to 100`)
    }
  })

  it('without --retry, the maximum shown is the default policy’s', async () => {
    const port = await refusedPort()
    const child = spawn(
      process.execPath,
      [BIN, 'get', '-d', await tmp('refused-default'), `http://127.0.0.1:${port}/x`],
      {
        env: { ...process.env, PINPOINT_STATE_DIR: await tmp('refused-default-state') },
        stdio: ['ignore', 'ignore', 'pipe'],
      },
    )
    let stderr = ''
    const line = new Promise<string>((resolve, reject) => {
      setTimeout(() => reject(new Error(`no retry line in 15 s: ${stderr}`)), 15_000).unref()
      child.stderr.on('data', (d: Buffer) => {
        stderr += d.toString()
        const hit = RETRY_LINE.exec(stderr)
        if (hit) resolve(hit[0])
      })
    })
    const exit = new Promise<number>((r) => child.once('exit', (code) => r(code ?? -1)))
    try {
      expect(await line).toMatch(new RegExp(`attempt 2 of ${defaultRetry.maxAttempts}: .*connection refused`))
    } finally {
      child.kill('SIGTERM')
    }
    expect(await exit).toBe(8)
  })

  it('--connect-timeout bounds each try at a silent server: retried, then CONNECT_TIMEOUT and exit 3', async () => {
    const before = silent.stats.connections
    const started = Date.now()
    const r = await runCli([
      'get',
      '--json',
      '--connect-timeout',
      '1',
      '--retry',
      '2',
      '--resolve',
      `a.test:${silent.port}:127.0.0.1`,
      '-d',
      await tmp('silent'),
      `https://a.test:${silent.port}/x`,
    ])
    // Three tries of one second each, plus at most 1 + 2 s of backoff and the process's start-up: far below this.
    expect(Date.now() - started).toBeLessThan(20_000)
    expect(r.code).toBe(3)
    expect(silent.stats.connections - before).toBe(3)
    const seen = events(r)
    const attempts = new Set(seen.flatMap((v) => (v.retry ? [v.retry.attempt] : [])))
    expect([...attempts]).toEqual([2, 3])
    expect(seen.find((v) => v.retry !== null)?.retry?.error.code).toBe('CONNECT_TIMEOUT')
    expect(seen.at(-1)).toMatchObject({ state: 'failed', error: { code: 'CONNECT_TIMEOUT' }, retry: null })
    expect(r.stderr.trim().split('\n')).toEqual([expect.stringMatching(/^pinpoint: .*no TLS handshake within 1000 ms/)])
  })
})
