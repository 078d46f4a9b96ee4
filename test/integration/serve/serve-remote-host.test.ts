import { spawnSync } from 'node:child_process'
import { mkdir } from 'node:fs/promises'
import { join } from 'node:path'

import { afterAll, describe, expect, it } from 'vitest'

import { BIN } from '../../fixtures/run-cli.ts'
import { makeTempDir } from '../../fixtures/temp-dir.ts'
import { spawnServe } from './serve-process.ts'

// A network namespace of the test's own, whose loopback device also carries 10.203.0.1: an address that is not
// loopback, so `serve` treats it as reachable from other machines, while no packet ever leaves the namespace.
const ns = `pinpoint-serve-${process.pid}`
const ADDRESS = '10.203.0.1'
const inNs = (cmd: string, ...args: string[]) =>
  spawnSync('ip', ['netns', 'exec', ns, cmd, ...args], { encoding: 'utf8' })
const made =
  process.getuid?.() === 0 &&
  spawnSync('ip', ['netns', 'add', ns]).status === 0 &&
  inNs('ip', 'link', 'set', 'lo', 'up').status === 0 &&
  inNs('ip', 'addr', 'add', `${ADDRESS}/32`, 'dev', 'lo').status === 0

afterAll(() => {
  if (made) spawnSync('ip', ['netns', 'del', ns])
})

/** The HTTP status curl gets inside the namespace. */
function status(url: string, headers: string[] = []): string {
  const args = ['-s', '-o', '/dev/null', '-w', '%{http_code}', '-m', '5', ...headers.flatMap((h) => ['-H', h]), url]
  return inNs('curl', ...args).stdout
}

describe.skipIf(!made)('pinpoint serve on a non-loopback --host (in a network namespace the test makes)', () => {
  it('says it is reachable and that the token crosses in clear; token, Host and Origin checks still hold', async () => {
    const dir = await makeTempDir('serve-remote')
    await mkdir(join(dir, 'root'))
    const args = ['--host', ADDRESS, '--port', '0', '--root', join(dir, 'root'), '--state-dir', join(dir, 'state')]
    const serve = spawnServe('ip', ['netns', 'exec', ns, process.execPath, BIN, 'serve', ...args])
    const { child, exited } = serve
    try {
      const url = await serve.url()
      expect(url.hostname).toBe(ADDRESS)
      expect(serve.stderr()).toContain(`listening on ${ADDRESS}, reachable from other machines without TLS`)
      const bare = `${url.origin}/`
      expect(status(url.href)).toBe('200')
      expect(status(bare)).toBe('401')
      expect(status(`${bare}?token=wrong`)).toBe('401')
      expect(status(url.href, ['Host: rebound.example'])).toBe('403')
      expect(status(url.href, ['Origin: http://evil.example'])).toBe('403')
      child.kill('SIGTERM')
      expect(await exited).toBe(8)
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL')
    }
  })
})
