import { mkdir } from 'node:fs/promises'
import { join } from 'node:path'

import { describe, expect, it } from 'vitest'

import { BIN, runCli } from '../../fixtures/run-cli.ts'
import { makeTempDir } from '../../fixtures/temp-dir.ts'
import { connect } from './serve-client.ts'
import { spawnServe } from './serve-process.ts'

describe('pinpoint serve as a process', () => {
  it('prints the tokened URL, and SIGTERM stops it gracefully with exit 8, the queue committed', async () => {
    const dir = await makeTempDir('serve-cli')
    const root = join(dir, 'root')
    const state = join(dir, 'state')
    await mkdir(root)
    const serve = spawnServe(process.execPath, [BIN, 'serve', '--port', '0', '--root', root, '--state-dir', state])
    const { child, exited } = serve
    const url = await serve.url()
    expect(url.searchParams.get('token')).toMatch(/^[\w-]{43}$/)
    expect(url.hostname).toBe('127.0.0.1')

    const client = await connect(Number(url.port), url.searchParams.get('token')!)
    await client.call('transfers:add', { urls: ['http://127.0.0.1:9/kept.bin'], options: { startPaused: true } })
    const closed = new Promise<void>((resolve) => client.ws.once('close', () => resolve()))
    child.kill('SIGTERM')
    expect(await exited).toBe(8)
    await closed
    expect(serve.stderr()).toContain('stopped; progress saved')

    const ls = await runCli(['ls', '--state-dir', state, '--json'])
    expect(ls.stdout).toContain('kept.bin')
  })
})
