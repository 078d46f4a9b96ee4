import { execFile, spawnSync } from 'node:child_process'
import { mkdtemp, readdir, readFile, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'

import { afterAll, beforeAll, describe, expect, it } from 'vitest'

import { makePki, type Pki } from '../../fixtures/pki.ts'
import { BIN, runCli } from '../../fixtures/run-cli.ts'
import { refusedPort } from '../../fixtures/silent-listener.ts'
import { startTlsHttpServer, type TlsHttpServer } from '../../fixtures/tls-http-server.ts'

let pki: Pki
let s: TlsHttpServer
const payload = Buffer.alloc(3 * 1024 * 1024 + 17, 7)

beforeAll(async () => {
  pki = await makePki()
  s = await startTlsHttpServer({
    default: { keyPem: pki.defaultLeaf.keyPem, chainPem: pki.defaultLeaf.chainPem },
    sni: {
      'a.test': { keyPem: pki.aTest.keyPem, chainPem: pki.aTest.chainPem },
      'self.test': { keyPem: pki.selfSigned.keyPem, chainPem: pki.selfSigned.chainPem },
    },
    handler: (req, conn) => {
      if (req.path === '/missing') return { status: 404, body: 'no' }
      if (req.path === '/big.bin') return { status: 200, body: payload }
      return { status: 200, body: `hello from ${conn.servername || 'default'}` }
    },
  })
})
afterAll(async () => {
  await s.close()
})

const tmp = () => mkdtemp(join(tmpdir(), 'pinpoint-cli-'))
const resolveA = () => ['--resolve', `a.test:${s.port}:127.0.0.1`]

describe('pinpoint probe', () => {
  it('--json prints the shape the README documents, with pins equal to openssl', async () => {
    const r = await runCli(['probe', '--json', ...resolveA(), '--cacert', pki.caPath, s.url('/', 'a.test')])
    expect(r.code).toBe(0)
    const report = JSON.parse(r.stdout)
    expect(report).toMatchObject({
      url: s.url('/', 'a.test'),
      address: '127.0.0.1',
      port: s.port,
      servername: 'a.test',
      hostHeader: `a.test:${s.port}`,
      protocol: 'TLSv1.3',
      cipher: expect.any(String),
      alpn: 'http/1.1',
      verified: true,
    })
    expect(report.chain.map((c: { spki: string }) => c.spki)).toEqual(
      [pki.aTest, pki.intermediate, pki.root].map((c) => `sha256//${c.pin}`),
    )
    expect(report.chain[0]).toEqual({
      subject: expect.stringContaining('CN=a.test'),
      issuer: expect.stringContaining('Intermediate'),
      validFrom: expect.any(String),
      validTo: expect.any(String),
      spki: `sha256//${pki.aTest.pin}`,
    })
    expect(s.stats.requests.some((q) => q.path === '/' && q.headers.host === `a.test:${s.port}`)).toBe(false)
  })

  it('shows the chain and its pins when verification fails, and exits 4, so a user can pin it', async () => {
    const url = s.url('/', 'self.test')
    const r = await runCli(['probe', '--resolve', `self.test:${s.port}:127.0.0.1`, url])
    expect(r.code).toBe(4)
    expect(r.stdout).toContain(`sha256//${pki.selfSigned.pin}`)
    expect(r.stdout).toContain('verified   no (DEPTH_ZERO_SELF_SIGNED_CERT)')
    expect(r.stdout).toContain('127.0.0.1')
    expect(r.stderr.trim().split('\n')).toHaveLength(1)

    const pinned = await runCli([
      'probe',
      '--json',
      '--resolve',
      `self.test:${s.port}:127.0.0.1`,
      '--trust',
      'pin',
      '--pinnedpubkey',
      `sha256//${pki.selfSigned.pin}`,
      url,
    ])
    expect(pinned.code).toBe(0)
    expect(JSON.parse(pinned.stdout)).toMatchObject({ verified: false, pinned: true })
  })

  it('a plain http URL is shown as plain, not as a certificate that failed to verify', async () => {
    const { createServer } = await import('node:http')
    const plain = createServer((_req, res) => res.end('hi'))
    await new Promise<void>((resolve) => plain.listen(0, '127.0.0.1', resolve))
    try {
      const url = `http://127.0.0.1:${(plain.address() as { port: number }).port}/x`
      const r = await runCli(['probe', url])
      expect(r.code, r.stderr).toBe(0)
      expect(r.stdout).toContain('  sni        (none: plain http)\n')
      expect(r.stdout).toContain('  tls        none: plain http, so nothing proves who answered\n')
      expect(r.stdout).not.toContain('verified')
    } finally {
      plain.close()
    }
  })

  it('exits 5 on a pin mismatch, naming the pin the server presented', async () => {
    const r = await runCli([
      'probe',
      ...resolveA(),
      '--cacert',
      pki.caPath,
      '--pinnedpubkey',
      `sha256//${pki.bTest.pin}`,
      s.url('/', 'a.test'),
    ])
    expect(r.code, r.stderr).toBe(5)
    expect(r.stderr).toContain(`sha256//${pki.aTest.pin}`)
  })
})

describe('pinpoint --pinnedpubkey FILE, as curl takes it', () => {
  it('pins the public key in a PEM or DER file (made by openssl), and names a file it cannot use', async () => {
    const dir = await tmp()
    const run = promisify(execFile)
    const pem = join(dir, 'a.pub.pem')
    const der = join(dir, 'a.pub.der')
    const other = join(dir, 'b.pub.pem')
    await run('openssl', ['x509', '-in', pki.aTest.certPath, '-pubkey', '-noout', '-out', pem])
    await run('openssl', ['pkey', '-pubin', '-in', pem, '-outform', 'der', '-out', der])
    await run('openssl', ['x509', '-in', pki.bTest.certPath, '-pubkey', '-noout', '-out', other])
    const probe = (pin: string) =>
      runCli(['probe', '--json', ...resolveA(), '--cacert', pki.caPath, '--pinnedpubkey', pin, s.url('/', 'a.test')])
    for (const file of [pem, der]) {
      const r = await probe(file)
      expect(r.code, r.stderr).toBe(0)
      expect(JSON.parse(r.stdout)).toMatchObject({ verified: true, pinned: true })
    }
    const mismatch = await probe(other)
    expect(mismatch.code).toBe(5)
    expect(mismatch.stderr).toContain(`sha256//${pki.aTest.pin}`)

    const missing = await probe(join(dir, 'nope.pem'))
    expect(missing.code).toBe(2)
    expect(missing.stderr).toBe(
      `pinpoint: --pinnedpubkey ${join(dir, 'nope.pem')}: no such file (a pin is sha256//BASE64, or a public key file)\n`,
    )
    const text = join(dir, 'notes.txt')
    await writeFile(text, 'not a key\n')
    const notKey = await probe(text)
    expect(notKey.code).toBe(2)
    expect(notKey.stderr).toBe(`pinpoint: --pinnedpubkey ${text}: not a public key in PEM or DER form\n`)
    // A private key holds the public one, but a pin is made from what the server shows, never from its secret.
    const secret = await probe(pki.aTest.keyPath)
    expect(secret.code).toBe(2)
    expect(secret.stderr).toBe(`pinpoint: --pinnedpubkey ${pki.aTest.keyPath}: not a public key in PEM or DER form\n`)
  })

  it("curl's habits: -L and -O are what get always does; -k is refused with the way to trust a server instead", async () => {
    const dir = await tmp()
    const r = await runCli([
      'get',
      '-L',
      '-O',
      ...resolveA(),
      '--cacert',
      pki.caPath,
      '-d',
      dir,
      s.url('/lo.txt', 'a.test'),
    ])
    expect(r.code, r.stderr).toBe(0)
    expect(await readdir(dir)).toEqual(['lo.txt'])
    for (const flag of ['-k', '--insecure']) {
      for (const command of ['get', 'probe']) {
        const k = await runCli(
          [command, flag, '-d', dir, s.url('/k.txt', 'a.test')].filter(
            (a) => command === 'get' || (a !== '-d' && a !== dir),
          ),
        )
        expect(k.code).toBe(2)
        expect(k.stderr).toBe(
          'pinpoint: -k/--insecure: Pinpoint never ignores certificate errors. To trust a server whose certificate ' +
            'does not verify, pin its key: `pinpoint probe URL` shows it; then add --trust pin --pinnedpubkey ' +
            'sha256//… (or give your own CA with --cacert FILE)\n',
        )
      }
    }
    expect(await readdir(dir)).toEqual(['lo.txt'])
    expect(s.stats.requests.some((q) => q.path === '/k.txt')).toBe(false)
  })

  it("--resolve with curl's wildcard host is refused with what to write instead", async () => {
    const r = await runCli(['probe', '--resolve', `*:${s.port}:127.0.0.1`, s.url('/', 'a.test')])
    expect(r.code).toBe(2)
    expect(r.stderr).toBe(
      `pinpoint: --resolve "*:${s.port}:127.0.0.1": a host of * (every host) is not supported: name the host, as in HOST:${s.port}:127.0.0.1\n`,
    )
  })
})

describe('pinpoint get', () => {
  it('downloads through --resolve into -d, byte for byte, leaving no .part', async () => {
    const dir = await tmp()
    const r = await runCli(['get', ...resolveA(), '--cacert', pki.caPath, '-d', dir, s.url('/big.bin', 'a.test')])
    expect(r.code).toBe(0)
    expect(await readdir(dir)).toEqual(['big.bin'])
    expect((await readFile(join(dir, 'big.bin'))).equals(payload)).toBe(true)
    expect(r.stderr).toContain(`saved ${join(dir, 'big.bin')} (${payload.length} bytes)`)
  })

  it('an IP URL with --sni downloads from the named host, and never overwrites an existing file', async () => {
    const dir = await tmp()
    await writeFile(join(dir, 'hello.txt'), 'keep me')
    const args = ['get', '--sni', 'a.test', '--cacert', pki.caPath, '-o', join(dir, 'hello.txt'), s.url('/hello.txt')]
    const r = await runCli(args)
    expect(r.code).toBe(0)
    expect(await readFile(join(dir, 'hello.txt'), 'utf8')).toBe('keep me')
    expect(await readFile(join(dir, 'hello (1).txt'), 'utf8')).toBe('hello from a.test')
  })

  it('a pin mismatch exits 5 with one stderr line naming host, address and pin, sends nothing, writes nothing', async () => {
    const dir = await tmp()
    s.reset()
    const r = await runCli([
      'get',
      ...resolveA(),
      '--cacert',
      pki.caPath,
      '--pinnedpubkey',
      `sha256//${pki.bTest.pin};sha256//${pki.defaultLeaf.pin}`,
      '-d',
      dir,
      s.url('/big.bin', 'a.test'),
    ])
    expect(r.code, r.stderr).toBe(5)
    const lines = r.stderr.trim().split('\n')
    expect(lines).toHaveLength(1)
    expect(lines[0]).toMatch(/^pinpoint: a\.test at 127\.0\.0\.1:\d+ .*sha256\/\//)
    expect(lines[0]).toContain(pki.aTest.pin)
    expect(await readdir(dir)).toEqual([])
    await s.whenIdle()
    expect(s.stats.totalRequestBytes).toBe(0)
  })

  it.each([
    [['get', 'ftp://a.test/x'], 2, /only http and https/],
    [['get', 'https://a.test/x', '--pinnedpubkey', 'sha256//abc'], 2, /--pinnedpubkey: bad pin/],
    [['get', 'https://a.test/x', '--resolve', 'a.test:443'], 2, /--resolve/],
    [['get', '--bogus', 'https://a.test/x'], 2, /unknown option/],
    [['get', '--sni', 'a.test', 'https://b.test/x'], 2, /--sni is for IP-address URLs/],
    [['get', '-o', 'x', 'https://a.test/1', 'https://a.test/2'], 2, /-o\/--output names one file/],
    [['probe'], 2, /missing required argument/],
    // A file the command line names that cannot be read says why in words, not as an errno code.
    [
      ['get', '--cacert', '/no/such/ca.pem', 'https://a.test/x'],
      2,
      /^pinpoint: --cacert \/no\/such\/ca\.pem: no such file$/m,
    ],
    [['get', '-i', '/no/such/list.txt'], 2, /^pinpoint: -i \/no\/such\/list\.txt: no such file$/m],
    [['get', '-i', '/tmp'], 2, /^pinpoint: -i \/tmp: a folder, not a file$/m],
    [
      ['get', '-b', '/no/such/cookies.txt', 'https://a.test/x'],
      2,
      /^pinpoint: -b \/no\/such\/cookies\.txt: no such file$/m,
    ],
  ])('usage errors exit 2: %j', async (args, code, message) => {
    const r = await runCli(args)
    expect(r.code).toBe(code)
    expect(r.stderr).toMatch(message)
  })

  it('an HTTP error exits 3 and leaves no file', async () => {
    const dir = await tmp()
    const r = await runCli(['get', ...resolveA(), '--cacert', pki.caPath, '-d', dir, s.url('/missing', 'a.test')])
    expect(r.code).toBe(3)
    expect(r.stderr).toContain('HTTP 404')
    expect(await readdir(dir)).toEqual([])
  })

  it('a refused connection exits 3 naming the address', async () => {
    const port = await refusedPort()
    const r = await runCli(['get', '--resolve', `a.test:${port}:127.0.0.1`, `https://a.test:${port}/x`])
    expect(r.code).toBe(3)
    expect(r.stderr).toContain(`a.test at 127.0.0.1:${port}`)
    expect(r.stderr).toContain('refused')
  })

  it('an untrusted chain exits 4; an output folder that is a file exits 7', async () => {
    const dir = await tmp()
    const untrusted = await runCli(['get', ...resolveA(), '-d', dir, s.url('/x', 'a.test')])
    expect(untrusted.code).toBe(4)
    expect(await readdir(dir)).toEqual([])
    await writeFile(join(dir, 'file'), '')
    const local = await runCli(['get', '-d', join(dir, 'file'), s.url('/x', 'a.test')])
    expect(local.code).toBe(7)
    expect(local.stderr).toBe(`pinpoint: --dir ${join(dir, 'file')} is a file, not a folder\n`)
    const under = await runCli(['get', '-o', join(dir, 'file', 'x'), s.url('/x', 'a.test')])
    expect(under.code).toBe(7)
    expect(under.stderr).toBe(
      `pinpoint: --output ${join(dir, 'file', 'x')}: ${join(dir, 'file')} is a file, not a folder\n`,
    )
  })

  it('a state folder that is a file, or lies under one, exits 7 naming the file, for get and for ls', async () => {
    const dir = await tmp()
    const file = join(dir, 'file')
    await writeFile(file, '')
    for (const [stateDir, which] of [
      [file, ''],
      [join(file, 'state'), `: ${file}`],
    ] as const) {
      const get = await runCli(['get', '--state-dir', stateDir, '-d', dir, s.url('/x', 'a.test')])
      expect(get.code).toBe(7)
      expect(get.stderr).toBe(`pinpoint: the state folder ${stateDir}${which} is a file, not a folder\n`)
      const ls = await runCli(['ls', '--state-dir', stateDir])
      expect(ls.code).toBe(7)
      expect(ls.stdout).toBe('')
      expect(ls.stderr).toBe(`pinpoint: the state folder ${stateDir}${which} is a file, not a folder\n`)
    }
    expect(await readFile(file, 'utf8')).toBe('')
  })

  it('with several URLs the good ones complete, the first failure decides the exit code, each failure names its URL', async () => {
    const dir = await tmp()
    const refused = `http://127.0.0.1:${await refusedPort()}/refused.bin`
    const missing = s.url('/missing', 'a.test')
    const urls = [refused, s.url('/one.txt', 'a.test'), missing, s.url('/two.txt', 'a.test')]
    const r = await runCli(['get', ...resolveA(), '--cacert', pki.caPath, '-d', dir, '--retry', '0', ...urls], {
      env: { PINPOINT_STATE_DIR: join(dir, 'state') },
    })
    expect(r.code).toBe(3)
    expect((await readdir(dir)).filter((f) => f.endsWith('.txt')).sort()).toEqual(['one.txt', 'two.txt'])
    // In input order; a message that names its URL already is not given it twice.
    const failures = r.stderr.split('\n').filter((l) => l.startsWith('pinpoint: '))
    expect(failures).toHaveLength(2)
    expect(failures[0]).toMatch(
      /^pinpoint: http:\/\/127\.0\.0\.1:\d+\/refused\.bin: 127\.0\.0\.1:\d+: connection refused$/,
    )
    expect(failures[1]?.split(missing)).toHaveLength(2)
    // One URL alone: its line is as it always was.
    const alone = await runCli(['get', '-d', dir, '--retry', '0', refused], {
      env: { PINPOINT_STATE_DIR: join(dir, 'state-alone') },
    })
    expect(alone.stderr).toMatch(/^pinpoint: 127\.0\.0\.1:\d+: connection refused\n$/m)
  })

  it('-i: a repeated line is one download; a line with two URLs is refused by its line number, before anything runs', async () => {
    const dir = await tmp()
    const list = join(dir, 'list.txt')
    const one = s.url('/one.txt', 'a.test')
    const two = s.url('/two.txt', 'a.test')
    await writeFile(list, `${one}\r\n${two}\r\n${one}\r\n`)
    const out = join(dir, 'out')
    const state = join(dir, 'state')
    const r = await runCli(['get', ...resolveA(), '--cacert', pki.caPath, '-d', out, '-i', list], {
      env: { PINPOINT_STATE_DIR: state },
    })
    expect(r.code).toBe(0)
    expect((await readdir(out)).sort()).toEqual(['one.txt', 'two.txt'])
    // One download, so one line for it, now and when the list is given again.
    expect(r.stderr.match(/^saved /gm)).toHaveLength(2)
    const again = await runCli(['get', ...resolveA(), '--cacert', pki.caPath, '-d', out, '-i', list], {
      env: { PINPOINT_STATE_DIR: state },
    })
    expect(again.code).toBe(0)
    expect(again.stderr.match(/^already downloaded: /gm)).toHaveLength(2)

    // The URL parser drops a tab wherever it is, so "A<TAB>B" would silently be the one URL "AB".
    for (const [line, sep] of [
      [`${one}\t${two}`, 'a tab'],
      [`${one} ${two}`, 'a space'],
    ] as const) {
      await writeFile(list, `# mirrors\n${s.url('/three.txt', 'a.test')}\n${line}\n`)
      const bad = await runCli(['get', ...resolveA(), '--cacert', pki.caPath, '-d', join(dir, 'bad'), '-i', list])
      expect(bad.code).toBe(2)
      expect(bad.stderr).toBe(
        `pinpoint: ${list}:3: two URLs on one line (after ${sep}): put each URL on a line of its own\n`,
      )
    }
    await writeFile(list, `${s.url('/tab.txt', 'a.test')}\tx\n`)
    const tab = await runCli(['get', ...resolveA(), '--cacert', pki.caPath, '-d', join(dir, 'bad'), '-i', list])
    expect(tab.code).toBe(2)
    expect(tab.stderr).toBe(`pinpoint: ${list}:1: a tab inside the URL: write it as %09, or put one URL per line\n`)
    await expect(readdir(join(dir, 'bad'))).rejects.toMatchObject({ code: 'ENOENT' })
  })
})

describe('npx pinpoint', () => {
  it('works from the project root with no build step, on Node 24', async () => {
    const { stdout } = await promisify(execFile)('npx', ['--no-install', 'pinpoint', '--help'], {
      cwd: new URL('../../..', import.meta.url),
    })
    expect(stdout).toContain('Usage: pinpoint')
    expect(process.versions.node.split('.')[0]).toBe('24')
  })

  it('prints its version, the one in package.json, and exits 0', async () => {
    const pkg = JSON.parse(await readFile(new URL('../../../package.json', import.meta.url), 'utf8')) as {
      version: string
    }
    for (const flag of ['--version', '-V']) {
      const { stdout } = await promisify(execFile)('npx', ['--no-install', 'pinpoint', flag], {
        cwd: new URL('../../..', import.meta.url),
      })
      expect(stdout.trim()).toBe(pkg.version)
    }
  })

  // The machine's own Node (Debian's nodejs, 20 here) is what `./bin/pinpoint.js` finds on PATH outside npx.
  const systemNode = '/usr/bin/node'
  const systemMajor = Number(
    spawnSync(systemNode, ['-p', 'process.versions.node'], { encoding: 'utf8' }).stdout?.split('.')[0] ?? 0,
  )
  it.skipIf(!(systemMajor > 0 && systemMajor < 24))(
    'on an older Node it says which Node it needs and which one ran it, exit 2',
    async () => {
      const r = spawnSync(systemNode, [BIN, '--version'], { encoding: 'utf8' })
      expect(r.status).toBe(2)
      expect(r.stdout).toBe('')
      expect(r.stderr).toMatch(/^pinpoint: needs Node\.js 24 or newer; this is v\d+\.\d+\.\d+ \(\/usr\/bin\/node\)/)
      expect(r.stderr).toContain('npx pinpoint')
      expect(r.stderr.trim().split('\n')).toHaveLength(2)
    },
  )
})
