import { mkdir } from 'node:fs/promises'
import { createServer, type Server } from 'node:net'
import { join } from 'node:path'

import { afterEach, describe, expect, it } from 'vitest'

import { MAX_ROOTS } from '../../../shared/ipc.ts'
import { BIN } from '../../fixtures/run-cli.ts'
import { makeTempDir } from '../../fixtures/temp-dir.ts'
import { spawnServe, type ServeProcess } from './serve-process.ts'

/** A start-up that cannot succeed must say why in one line and exit, long before this. */
const PROMPTLY_MS = 10_000

const started: ServeProcess[] = []
const servers: Server[] = []

afterEach(async () => {
  for (const s of started.splice(0)) if (s.child.exitCode === null) s.child.kill('SIGKILL')
  for (const s of servers.splice(0)) await new Promise<void>((resolve) => s.close(() => resolve()))
})

function serve(args: string[]): ServeProcess {
  const s = spawnServe(process.execPath, [BIN, 'serve', ...args], {
    env: { ...process.env, PINPOINT_FROM_SOURCE: '1' },
  })
  started.push(s)
  return s
}

/** The exit code, or a failure naming what the process printed if it is still running after PROMPTLY_MS. */
async function exitOf(s: ServeProcess): Promise<number | null> {
  let timer: NodeJS.Timeout | undefined
  const late = new Promise<'still running'>(
    (resolve) => (timer = setTimeout(() => resolve('still running'), PROMPTLY_MS)),
  )
  const code = await Promise.race([s.exited, late])
  clearTimeout(timer)
  if (code === 'still running') throw new Error(`serve still running; stderr: ${s.stderr()}`)
  return code
}

/** One line on stderr naming the cause: no stack trace, no second line. */
function expectOneLine(stderr: string, cause: RegExp): void {
  expect(stderr).toMatch(/^pinpoint: [^\n]+\n$/)
  expect(stderr).toMatch(cause)
  expect(stderr).not.toMatch(/\n\s+at /)
}

async function folders(): Promise<{ root: string; state: string }> {
  const dir = await makeTempDir('serve-startup')
  const root = join(dir, 'root')
  await mkdir(root)
  return { root, state: join(dir, 'state') }
}

async function heldPort(): Promise<number> {
  const server = createServer()
  servers.push(server)
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()))
  return (server.address() as { port: number }).port
}

describe('pinpoint serve: a start-up that fails says why in one line and exits', () => {
  it('exits 7 when the port is in use by another listener', async () => {
    const { root, state } = await folders()
    const port = await heldPort()
    const s = serve(['--port', String(port), '--root', root, '--state-dir', state])
    expect(await exitOf(s)).toBe(7)
    expectOneLine(s.stderr(), new RegExp(`127\\.0\\.0\\.1:${port}.*in use`))
    expect(s.stdout()).toBe('')
  })

  it('exits 7 at once when another serve holds the state folder, and the first keeps serving', async () => {
    const { root, state } = await folders()
    const first = serve(['--port', '0', '--root', root, '--state-dir', state])
    await first.url()
    const second = serve(['--port', '0', '--root', root, '--state-dir', state])
    expect(await exitOf(second)).toBe(7)
    expectOneLine(second.stderr(), /state folder .* is in use by another pinpoint/)
    expect(second.stdout()).toBe('')
    expect(first.child.exitCode).toBe(null)
    first.child.kill('SIGTERM')
    expect(await first.exited).toBe(8)
  })

  it('exits 2 when the --tls-cert file does not exist', async () => {
    const { root, state } = await folders()
    const missing = join(root, 'no-such-cert.pem')
    const s = serve(['--port', '0', '--root', root, '--state-dir', state, '--tls-cert', missing, '--tls-key', missing])
    expect(await exitOf(s)).toBe(2)
    expectOneLine(s.stderr(), /--tls-cert: .*no-such-cert\.pem/)
  })

  it(`exits 2 for more than ${MAX_ROOTS} --root folders`, async () => {
    const { root, state } = await folders()
    const roots = Array.from({ length: MAX_ROOTS + 1 }, () => ['--root', root]).flat()
    const s = serve(['--port', '0', ...roots, '--state-dir', state])
    expect(await exitOf(s)).toBe(2)
    expectOneLine(s.stderr(), new RegExp(`at most ${MAX_ROOTS} --root`))
  })

  it('exits 2 for a --root that does not exist', async () => {
    const { root, state } = await folders()
    const s = serve(['--port', '0', '--root', join(root, 'missing'), '--state-dir', state])
    expect(await exitOf(s)).toBe(2)
    expectOneLine(s.stderr(), /--root: .*missing/)
  })

  it('exits 2 for a bad --port', async () => {
    const { root, state } = await folders()
    const s = serve(['--port', 'http', '--root', root, '--state-dir', state])
    expect(await exitOf(s)).toBe(2)
    expectOneLine(s.stderr(), /--port/)
  })
})
