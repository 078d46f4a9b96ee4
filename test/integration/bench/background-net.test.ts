import { execFileSync } from 'node:child_process'
import { readFileSync, writeFileSync, mkdirSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'

import { describe, expect, it } from 'vitest'

import { makeTempDir } from '../../fixtures/temp-dir.ts'

const SCRIPT = fileURLToPath(new URL('../../../bench/background-net.sh', import.meta.url))
const isRoot = process.getuid?.() === 0

const run = (file: string, args: string[]) => execFileSync(file, args, { encoding: 'utf8', timeout: 30_000 })

// The background benchmark's network, set up and torn down for real: no figure is asserted, only that the
// namespaces, the tbf limit and nginx are there and that the client reaches the server through the veth pair.
describe.skipIf(!isRoot)('the background benchmark network', () => {
  it('joins two namespaces with a tbf-limited veth pair, serves a file from nginx, and goes away', async () => {
    const work = await makeTempDir('bg-net')
    mkdirSync(join(work, 'www'))
    writeFileSync(join(work, 'www', 'hello.txt'), 'across the veth pair\n')
    run('bash', [SCRIPT, 'up', work])
    const env = Object.fromEntries(
      readFileSync(join(work, 'net.env'), 'utf8')
        .trim()
        .split('\n')
        .map((l) => l.split('=') as [string, string]),
    )
    try {
      const names = run('ip', ['netns', 'list'])
      expect(names).toContain(env['cli'])
      expect(names).toContain(env['srv'])
      const qdisc = run('ip', ['netns', 'exec', env['srv']!, 'tc', 'qdisc', 'show', 'dev', env['vs']!])
      expect(qdisc).toMatch(/qdisc tbf .*rate 4Mbit burst 4Kb lat 400ms/)
      const body = run('ip', [
        'netns',
        'exec',
        env['cli']!,
        'curl',
        '-sf',
        `http://${env['addr']}:${env['port']}/hello.txt`,
      ])
      expect(body).toBe('across the veth pair\n')
      // The server's address is only inside the namespaces: this process, outside them, has no route to it.
      expect(() => run('curl', ['-sf', '--max-time', '2', `http://${env['addr']}:${env['port']}/hello.txt`])).toThrow()
    } finally {
      run('bash', [SCRIPT, 'down', work])
    }
    const after = run('ip', ['netns', 'list'])
    expect(after).not.toContain(env['cli'])
    expect(after).not.toContain(env['srv'])
  })
})
