import { spawn } from 'node:child_process'
import { mkdir } from 'node:fs/promises'
import { join } from 'node:path'

import { describe, expect, it } from 'vitest'

import { BIN, runCli } from '../../fixtures/run-cli.ts'
import { makeTempDir } from '../../fixtures/temp-dir.ts'
import { connect } from './serve-client.ts'

describe('pinpoint serve as a process', () => {
  it('prints the tokened URL, and SIGTERM stops it gracefully with exit 8, the queue committed', async () => {
    const dir = await makeTempDir('serve-cli')
    const root = join(dir, 'root')
    const state = join(dir, 'state')
    await mkdir(root)
    const child = spawn(process.execPath, [BIN, 'serve', '--port', '0', '--root', root, '--state-dir', state], {
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let out = ''
    let err = ''
    child.stdout.on('data', (c: Buffer) => (out += String(c)))
    child.stderr.on('data', (c: Buffer) => (err += String(c)))
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)))
    await expect.poll(() => /\?token=[\w-]{43}\n/.test(out), { timeout: 15_000 }).toBe(true)
    const url = new URL(/http:\S+/.exec(out)![0])
    expect(url.hostname).toBe('127.0.0.1')

    const client = await connect(Number(url.port), url.searchParams.get('token')!)
    await client.call('transfers:add', { urls: ['http://127.0.0.1:9/kept.bin'], options: { startPaused: true } })
    const closed = new Promise<void>((resolve) => client.ws.once('close', () => resolve()))
    child.kill('SIGTERM')
    expect(await exited).toBe(8)
    await closed
    expect(err).toContain('stopped; progress saved')

    const ls = await runCli(['ls', '--state-dir', state, '--json'])
    expect(ls.stdout).toContain('kept.bin')
  })
})
