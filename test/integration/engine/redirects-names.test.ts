import { lstat, mkdtemp, readFile, readlink, symlink, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'

import { makeHarness, type Harness } from '../../fixtures/engine-harness.ts'
import { startFaultServer, type FaultServer } from '../../fixtures/fault-server.ts'

// Redirects: loops, schemes, credentials, rules per hop (the B tests); file names and paths (the C tests).
let a: FaultServer
let b: FaultServer
let h: Harness

beforeAll(async () => {
  a = await startFaultServer()
  b = await startFaultServer()
})
afterAll(async () => {
  await a.close()
  await b.close()
})
afterEach(async () => {
  await h?.close()
  a.reset()
  b.reset()
})

const rules = () => [
  { pattern: 'a.test', addresses: ['127.0.0.1'] },
  { pattern: 'b.test', addresses: ['127.0.0.1'] },
]

describe('redirects', () => {
  it('B1 a loop stops at 20 hops and shows the chain', async () => {
    a.redirect('/loop', '/loop')
    h = await makeHarness()
    const row = await h.download(a.url('/loop'))
    expect(row).toMatchObject({ state: 'failed', errorCode: 'TOO_MANY_REDIRECTS' })
    expect(row.errorMessage).toContain('→')
    expect(a.log).toHaveLength(21)
  })

  it.each(['file:///etc/passwd', 'ftp://a.test/x', 'data:text/plain,hi', 'javascript:alert(1)', 'pinpoint://add'])(
    'B2 a redirect to %s is refused',
    async (to) => {
      a.redirect('/bad', to)
      h = await makeHarness()
      const row = await h.download(a.url('/bad'))
      expect(row).toMatchObject({ state: 'failed', errorCode: 'REDIRECT_BLOCKED' })
      expect(await h.files()).toEqual([])
    },
  )

  it('B3 the name comes from the original URL, not the redirect target; B5 rules apply per hop', async () => {
    a.redirect('/report.pdf', b.url('/evil.sh', 'b.test'))
    b.serve('/evil.sh', { body: Buffer.from('pdf bytes') })
    h = await makeHarness({ rules: rules() })
    const row = await h.download(a.url('/report.pdf', 'a.test'))
    expect(row.state).toBe('completed')
    expect(await h.files()).toEqual(['report.pdf'])
    expect(b.log[0]?.headers.host).toBe(`b.test:${b.port}`)
  })

  it('B4 credentials go to the original origin only', async () => {
    a.redirect('/private', b.url('/file', 'b.test'))
    b.serve('/file', { body: Buffer.from('x') })
    h = await makeHarness({ rules: rules() })
    const url = a.url('/private', 'a.test').replace('http://', 'http://user:secret@')
    const row = await h.download(url)
    expect(row.state).toBe('completed')
    expect(a.log[0]?.headers.authorization).toBe(`Basic ${Buffer.from('user:secret').toString('base64')}`)
    expect(b.log[0]?.headers.authorization).toBeUndefined()
  })
})

describe('file names and paths', () => {
  it.each([
    ['attachment; filename="../../../etc/cron.d/evil"', 'evil'],
    ['attachment; filename="..\\\\..\\\\win.ini"', 'win.ini'],
    ["attachment; filename*=UTF-8''r%C3%A9sum%C3%A9.pdf", 'résumé.pdf'],
    ['attachment; filename="CON"', '_CON'],
    ['attachment; filename=".hidden"', 'hidden'],
    ['attachment; filename="a\u202Efdp.exe"', 'a_fdp.exe'],
  ])('C1-C3 Content-Disposition %j is saved as %j inside the folder', async (cd, name) => {
    a.serve('/dl', { body: Buffer.from('data'), contentDisposition: cd })
    h = await makeHarness()
    const row = await h.download(a.url('/dl'))
    expect(row.state).toBe('completed')
    expect(row.savedPath).toBe(join(h.dir, name))
  })

  it('C4 an existing file is never overwritten: the download gets a unique name', async () => {
    a.serve('/same.txt', { body: Buffer.from('new') })
    h = await makeHarness()
    await writeFile(join(h.dir, 'same.txt'), 'old')
    const row = await h.download(a.url('/same.txt'))
    expect(row.savedPath).toBe(join(h.dir, 'same (1).txt'))
    expect(await readFile(join(h.dir, 'same.txt'), 'utf8')).toBe('old')
  })

  it('C5 two transfers of one URL into one folder get different files', async () => {
    a.serve('/twice.bin', { body: Buffer.alloc(300_000, 1), faults: { rateBytesPerSec: 2_000_000 } })
    h = await makeHarness()
    const one = h.queue.add({ url: a.url('/twice.bin'), dir: h.dir, split: 1 })
    const two = h.queue.add({ url: a.url('/twice.bin'), dir: h.dir, split: 1 })
    h.queue.start([one.id, two.id])
    const rows = await h.queue.settled([one.id, two.id])
    expect(rows.map((r) => r.state)).toEqual(['completed', 'completed'])
    expect(await h.files()).toEqual(['twice (1).bin', 'twice.bin'])
  })

  it('a .part file another program left at the name is never adopted or truncated: the next name is used', async () => {
    a.serve('/left.bin', { body: Buffer.from('payload') })
    h = await makeHarness()
    await writeFile(join(h.dir, 'left.bin.part'), 'not ours')
    const row = await h.download(a.url('/left.bin'))
    expect(row.state).toBe('completed')
    expect(row.savedPath).toBe(join(h.dir, 'left (1).bin'))
    expect(await readFile(join(h.dir, 'left.bin.part'), 'utf8')).toBe('not ours')
    expect(await readFile(join(h.dir, 'left (1).bin'), 'utf8')).toBe('payload')
  })

  it('C6 a symlink planted at the .part path is never followed', async () => {
    a.serve('/target.bin', { body: Buffer.from('payload') })
    h = await makeHarness()
    const outside = await mkdtemp(join(tmpdir(), 'pinpoint-outside-'))
    await symlink(join(outside, 'victim'), join(h.dir, 'target.bin.part'))
    const row = await h.download(a.url('/target.bin'))
    expect(row.state).toBe('completed')
    expect(row.savedPath).toBe(join(h.dir, 'target (1).bin'))
    expect(await lstat(join(outside, 'victim')).catch(() => 'absent')).toBe('absent')
    expect(await readlink(join(h.dir, 'target.bin.part'))).toBe(join(outside, 'victim'))
  })
})
