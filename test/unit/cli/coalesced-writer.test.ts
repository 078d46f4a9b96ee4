import { execFile, spawnSync } from 'node:child_process'
import { closeSync, openSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'

import { afterAll, describe, expect, it } from 'vitest'

import { coalescedWriter } from '../../../electron/cli/coalesced-writer.ts'
import { makeTempDir, removeTempDir } from '../../fixtures/temp-dir.ts'

const dirs: string[] = []
afterAll(async () => {
  await Promise.all(dirs.map((d) => removeTempDir(d)))
})

/**
 * Run a script that uses `processIo()` (its body after `const cli = processIo()`) under /bin/sh with `redirect`
 * applied to the command (`$1` is node, `$2` the script, so no path is part of the shell text); its stdout.
 */
async function runIo(body: string[], redirect: string): Promise<string> {
  const dir = await makeTempDir('stderr')
  dirs.push(dir)
  const script = join(dir, 'io-script.ts')
  const io = new URL('../../../electron/cli/io.ts', import.meta.url).pathname
  writeFileSync(
    script,
    [`import { processIo } from ${JSON.stringify(io)}`, `const cli = processIo()`, ...body].join('\n'),
  )
  return new Promise<string>((resolve, reject) => {
    execFile(
      '/bin/sh',
      ['-c', `"$1" "$2" ${redirect}`, 'sh', process.execPath, script],
      { maxBuffer: 1 << 24 },
      (err, out) => (err ? reject(err) : resolve(out)),
    )
  })
}

describe('stderr lines written together', () => {
  it('writes the lines of one window in one call, in order, and flushes on demand', async () => {
    const calls: string[] = []
    const w = coalescedWriter((t) => calls.push(t), 20)
    w.write('downloading a\n')
    w.write('downloading b\n')
    w.write('saved a\n')
    expect(calls).toEqual([])
    await new Promise((r) => setTimeout(r, 60))
    expect(calls).toEqual(['downloading a\ndownloading b\nsaved a\n'])
    w.write('saved b\n')
    w.flush()
    w.flush()
    expect(calls).toEqual(['downloading a\ndownloading b\nsaved a\n', 'saved b\n'])
  })

  it('a CLI whose stderr is a file makes one write for a burst of lines, and loses none when the process exits', async () => {
    const dir = await makeTempDir('stderr')
    dirs.push(dir)
    const script = join(dir, 'burst.ts')
    const log = join(dir, 'err.txt')
    const io = new URL('../../../electron/cli/io.ts', import.meta.url).pathname
    // Count the writes that reach fd 2 by wrapping the stream's write; exit at once, before the window ends.
    const body = [
      `import { writeSync } from 'node:fs'`,
      `import { processIo } from ${JSON.stringify(io)}`,
      `let writes = 0`,
      `const real = process.stderr.write.bind(process.stderr)`,
      `process.stderr.write = (t) => { writes++; return real(t) }`,
      `const cli = processIo()`,
      // Registered after processIo's own flush, so it counts that write too.
      `process.on('exit', () => writeSync(1, String(writes)))`,
      `for (let i = 0; i < 1000; i++) cli.stderr('saved f' + i + '\\n')`,
      `process.exit(0)`,
    ].join('\n')
    writeFileSync(script, body)
    const fd = openSync(log, 'w')
    const r = spawnSync(process.execPath, [script], { stdio: ['ignore', 'pipe', fd], encoding: 'utf8' })
    closeSync(fd)
    expect(r.status).toBe(0)
    const lines = readFileSync(log, 'utf8').split('\n').filter(Boolean)
    expect(lines).toHaveLength(1000)
    expect(lines.at(-1)).toBe('saved f999')
    expect(Number(r.stdout)).toBe(1)
  })

  it('into a pipe, every line of a burst arrives when the command simply ends', async () => {
    // 140 KB in two bursts, more than a pipe holds, and a reader that starts late: the first burst's write is still
    // waiting for it when the second is made and the loop runs dry.
    const text = await runIo(
      [
        `const burst = (from) => { for (let i = from; i < from + 1000; i++) cli.stderr('saved /a/folder/with/a/long/name/f' + i + '.bin (102400 bytes)' + '\\n') }`,
        `burst(0)`,
        `setTimeout(() => burst(1000), 150)`,
      ],
      '2>&1 >/dev/null | (sleep 0.6; cat)',
    )
    const lines = text.split('\n').filter(Boolean)
    expect(lines).toHaveLength(2000)
    expect(lines.at(-1)).toContain('f1999.bin')
  })

  it('a line on stdout follows the stderr lines written before it, as without the window', async () => {
    const text = await runIo(
      [
        `cli.stderr('listening on 10.0.0.1, reachable from other machines\\n')`,
        `cli.stdout('http://10.0.0.1:1/\\n')`,
        `cli.stderr('bye\\n')`,
      ],
      '2>&1',
    )
    expect(text).toBe('listening on 10.0.0.1, reachable from other machines\nhttp://10.0.0.1:1/\nbye\n')
  })
})
