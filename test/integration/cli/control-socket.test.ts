import { mkdtemp, readFile, stat } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'

import { startCore, type Core } from '../../../electron/app-core.ts'
import { controlSocketPath } from '../../../electron/core/control-socket.ts'
import { APP_PAGE_URL } from '../../../electron/shell/app-protocol.ts'
import { parseProfile } from '../../../shared/profile.ts'
import { startFaultServer, type FaultServer } from '../../fixtures/fault-server.ts'
import { makePayload, sha256 } from '../../fixtures/payload.ts'
import { runCli } from '../../fixtures/run-cli.ts'
import { waitFor } from '../../fixtures/wait-for.ts'

/** `pinpoint get` beside a running app core that holds the state folder: the one queue takes the downloads. */
let server: FaultServer
let core: Core | undefined
const body = makePayload(300 * 1024, 5)

beforeAll(async () => {
  server = await startFaultServer()
  server.serve('/a.bin', { body })
  server.serve('/slow.bin', { body, faults: { rateBytesPerSec: 200 * 1024 } })
})
afterEach(async () => {
  await core?.shutdown()
  core = undefined
})
afterAll(async () => {
  await server.close()
})

const tmp = (kind: string) => mkdtemp(join(tmpdir(), `pinpoint-control-${kind}-`))

async function appHolding(): Promise<{ state: string; core: Core }> {
  const state = await tmp('state')
  core = await startCore({
    stateDir: state,
    defaultDownloadDir: await tmp('default'),
    appUrl: APP_PAGE_URL,
    desktop: { chooseFolder: async () => undefined, reveal: () => {}, open: async () => '' },
    emit: () => {},
  })
  return { state, core }
}

describe('the control socket', () => {
  it('is a 0600 socket in the state folder, and goes away when the holder stops', async () => {
    const { state, core: c } = await appHolding()
    expect(c.controlPath).toBe(controlSocketPath(state))
    const st = await stat(controlSocketPath(state))
    expect(st.isSocket()).toBe(true)
    expect(st.mode & 0o777).toBe(0o600)
    await c.shutdown()
    core = undefined
    await expect(stat(controlSocketPath(state))).rejects.toMatchObject({ code: 'ENOENT' })
  })

  it('lets pinpoint get add to the running queue and show its progress to the end (no exit 7)', async () => {
    const { state, core: c } = await appHolding()
    const dir = await tmp('dl')
    // The same URL twice is one download here too: added, shown and reported once.
    const url = server.url('/a.bin')
    const run = await runCli(['get', '--state-dir', state, '-d', dir, '-s', '2', url, url])
    expect(run.stderr.match(/^saved /gm)).toHaveLength(1)
    expect(run.code).toBe(0)
    expect(sha256(await readFile(join(dir, 'a.bin')))).toBe(sha256(body))
    // The app's own queue ran it: the row is in its store, with the split the CLI asked for.
    expect(c.store.transfers.list()).toMatchObject([{ state: 'completed', split: 2, dir }])
    const again = await runCli(['get', '--state-dir', state, '-d', dir, url, url])
    expect(again.code).toBe(0)
    expect(again.stderr).toBe(`already downloaded: ${join(dir, 'a.bin')}\n`)
  })

  it('with --detach returns at once, and the running process finishes the download', async () => {
    const { state, core: c } = await appHolding()
    const dir = await tmp('dl')
    const slow = server.url('/slow.bin')
    const run = await runCli(['get', '--detach', '--state-dir', state, '-d', dir, slow, slow])
    expect(run.code).toBe(0)
    expect(run.stderr).toBe('added to the running Pinpoint: 1 download(s)\n')
    expect(c.store.transfers.list()[0]?.state).not.toBe('completed')
    await waitFor(() => c.store.transfers.list()[0]?.state === 'completed', 15_000)
    expect(sha256(await readFile(join(dir, 'slow.bin')))).toBe(sha256(body))
  })

  it('stops watching with exit 8 when the running process quits, never hanging', async () => {
    const { state, core: c } = await appHolding()
    const dir = await tmp('dl')
    const run = runCli(['get', '--state-dir', state, '-d', dir, server.url('/slow.bin')])
    await waitFor(() => c.store.transfers.list()[0]?.state === 'downloading', 15_000)
    await c.shutdown()
    core = undefined
    const done = await run
    expect(done.code).toBe(8)
    expect(done.stderr).toContain('the running Pinpoint stopped')
  })

  it("hands over the download's own rules with it; a bad flag is still refused here, exit 2", async () => {
    const { state, core: c } = await appHolding()
    const dir = await tmp('dl')
    const host = new URL(server.url('/a.bin'))
    const url = `http://files.test:${host.port}/a.bin`
    const run = await runCli([
      'get',
      '--state-dir',
      state,
      '-d',
      dir,
      '--resolve',
      `files.test:${host.port}:127.0.0.1`,
      url,
    ])
    expect(run.code).toBe(0)
    const [row] = c.store.transfers.list()
    expect(parseProfile(row?.connection ?? null)?.rules[0]).toMatchObject({
      pattern: 'files.test',
      addresses: ['127.0.0.1'],
    })
    const bad = await runCli(['get', '--state-dir', state, '-d', dir, '--checksum', 'sha256=00', server.url('/a.bin')])
    expect(bad.code).toBe(2)
  })
})
